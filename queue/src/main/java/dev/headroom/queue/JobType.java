package dev.headroom.queue;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.key.InvalidKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A kind of job, such as {@code email} or {@code ai-processing}: its name, the codec of its payload
 * and its retry policy. Producers and workers use the same type; the name is what travels with a
 * job, and a worker finds its handler by it.
 *
 * <pre>{@code
 * static final JobType<Email> EMAIL = JobType.of("email", Email.class);
 * static final JobType<Prompt> AI = JobType.builder("ai-processing", JsonCodec.of(Prompt.class))
 *     .backoff(Backoff.exponential(Duration.ofSeconds(5), Duration.ofMinutes(10)).maxAttempts(8).build())
 *     .timeout(Duration.ofMinutes(2))
 *     .nonRetryable(IllegalArgumentException.class)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the payload type
 */
public final class JobType<T> {

  /**
   * The retry policy of a type built without one: exponential from 1 s up to 10 min with equal
   * jitter, 5 attempts in all.
   */
  public static final Backoff DEFAULT_BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10))
          .jitter(Jitter.EQUAL)
          .maxAttempts(5)
          .build();

  /** The longest type name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  private final String name;
  private final Codec<T> codec;
  private final Backoff backoff;
  private final @Nullable Duration timeout;
  private final List<Class<? extends Throwable>> nonRetryable;
  private final @Nullable JobRateLimit rateLimit;

  private JobType(Builder<T> b) {
    this.name = b.name;
    this.codec = b.codec;
    this.backoff = b.backoff;
    this.timeout = b.timeout;
    this.nonRetryable = List.copyOf(b.nonRetryable);
    this.rateLimit = b.rateLimit;
  }

  /** A type whose payload is JSON of {@code payloadClass}, with the default retry policy. */
  public static <T> JobType<T> of(String name, Class<T> payloadClass) {
    return builder(name, JsonCodec.of(payloadClass)).build();
  }

  /** A type with the given payload codec and the default retry policy. */
  public static <T> JobType<T> of(String name, Codec<T> codec) {
    return builder(name, codec).build();
  }

  /**
   * A builder for a type.
   *
   * @throws IllegalArgumentException if the name is empty, longer than {@value #MAX_NAME_LENGTH}
   *     characters, or contains whitespace or control characters
   */
  public static <T> Builder<T> builder(String name, Codec<T> codec) {
    return new Builder<>(name, codec);
  }

  /** The name that travels with each job. */
  public String name() {
    return name;
  }

  /** The payload codec. */
  public Codec<T> codec() {
    return codec;
  }

  /**
   * The retry policy: delays between attempts and, unless a job says otherwise, the attempts in
   * all.
   */
  public Backoff backoff() {
    return backoff;
  }

  /** How long one attempt may run before it fails with a timeout, if limited. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Exception classes (and their subclasses) that go straight to the dead letters. */
  public List<Class<? extends Throwable>> nonRetryable() {
    return nonRetryable;
  }

  /**
   * The type's rate limit, if any: at most {@code jobs} of its jobs start in any window, across
   * every worker of a queue in every process (see {@link Builder#rateLimit}).
   */
  public Optional<JobRateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * Whether {@code failure} must not be retried: a {@link NonRetryableException} or a listed class.
   */
  public boolean isNonRetryable(Throwable failure) {
    if (failure instanceof NonRetryableException) {
      return true;
    }
    for (Class<? extends Throwable> c : nonRetryable) {
      if (c.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "JobType["
        + name
        + ", "
        + codec
        + ", "
        + backoff
        + (timeout == null ? "" : ", timeout=" + timeout)
        + (rateLimit == null ? "" : ", rateLimit=" + rateLimit.jobs() + "/" + rateLimit.window())
        + "]";
  }

  static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          what
              + " must have 1 to "
              + MAX_NAME_LENGTH
              + " characters, was '"
              + (name.length() > 40 ? name.substring(0, 40) + "...'" : name + "'")
              + " ("
              + name.length()
              + ")");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            what + " must not contain whitespace or control characters, was '" + name + "'");
      }
    }
    return checkWellFormed(what, name);
  }

  /**
   * Refuses text with an unpaired UTF-16 surrogate: UTF-8 (the form names and ids take in Redis)
   * has no encoding for one and writes '?' instead, so two different ids would share one Redis key.
   *
   * @throws InvalidKeyException naming {@code what}, the value (escaped) and the index
   */
  static String checkWellFormed(String what, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new InvalidKeyException(
          what
              + " must be well-formed UTF-16: it has an unpaired surrogate U+"
              + String.format(Locale.ROOT, "%04X", (int) c)
              + " at index "
              + i
              + ", which Redis would store as '?' (the same as other ids); was '"
              + escape(text)
              + "'");
    }
    return text;
  }

  /** The text with every surrogate as a Java escape, so a message shows what was given. */
  private static String escape(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    StringBuilder sb = new StringBuilder(shown.length() + 8);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isSurrogate(c)) {
        sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Builds a {@link JobType}; each setter checks its value at once.
   *
   * @param <T> the payload type
   */
  public static final class Builder<T> {
    private final String name;
    private final Codec<T> codec;
    private Backoff backoff = DEFAULT_BACKOFF;
    private @Nullable Duration timeout;
    private final List<Class<? extends Throwable>> nonRetryable = new ArrayList<>();
    private @Nullable JobRateLimit rateLimit;

    private Builder(String name, Codec<T> codec) {
      this.name = checkName("job type name", name);
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * The retry policy (default {@link #DEFAULT_BACKOFF}); its {@code maxAttempts} counts the first
     * try.
     */
    public Builder<T> backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Limits how long one attempt may run; past it the attempt fails with a {@link
     * java.util.concurrent.TimeoutException} (and is retried like any failure).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder<T> timeout(Duration timeout) {
      this.timeout = JobOptions.checkPositive("timeout", timeout);
      return this;
    }

    /**
     * Exception classes that go straight to the dead letters, besides {@link
     * NonRetryableException}.
     */
    @SafeVarargs
    public final Builder<T> nonRetryable(Class<? extends Throwable>... classes) {
      for (Class<? extends Throwable> c : classes) {
        nonRetryable.add(Objects.requireNonNull(c, "nonRetryable class"));
      }
      return this;
    }

    /**
     * At most {@code jobs} jobs of this type start in any window of {@code window}, in each queue,
     * across every worker of every process (default none). The limit travels with each job, so set
     * it on the type producers enqueue with. A job whose type used up its window waits as {@link
     * JobState#DELAYED} until its turn (each such job is booked {@code window / jobs} after the
     * previous one), and workers run other jobs meanwhile.
     *
     * @throws IllegalArgumentException unless {@code jobs} is within 1..{@value
     *     JobQueueConfig#MAX_RATE_LIMIT_JOBS} and the window within 1 ms..1 day
     */
    public Builder<T> rateLimit(int jobs, Duration window) {
      JobRateLimit limit =
          new JobRateLimit(jobs, JobOptions.checkPositive("rateLimit window", window));
      JobQueueConfig.Builder.checkRateLimit("rateLimit", limit);
      this.rateLimit = limit;
      return this;
    }

    /** The type. */
    public JobType<T> build() {
      return new JobType<>(this);
    }
  }
}
