package dev.headroom.ratelimit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/*
 * The fields, as draft-ietf-httpapi-ratelimit-headers-11 (May 2026) defines them, are RFC 9651
 * structured-field Lists whose Items are Strings (the policy name) with Integer parameters:
 *
 *   RateLimit-Policy: "hour";q=1000;w=3600, "day";q=5000;w=86400     (section 3: q quota, w window)
 *   RateLimit: "day";r=100;t=36000                                    (section 4: r left, t seconds)
 *
 * serialized as RFC 9651 section 4.1 does: members joined by ", ", parameters as ";key=value",
 * Strings in double quotes with '"' and '\' escaped. Section 6: a Retry-After in the same response
 * SHOULD NOT point earlier than the end of the effective window, so on a denial t and Retry-After
 * carry the same number of seconds (the wait, rounded up, at least 1).
 *
 * Draft -06 (December 2022) sent RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds)
 * and "RateLimit-Policy: 100;w=60"; its section 3.3 asks that RateLimit-Reset agree with a
 * Retry-After, which the same rule gives. X-RateLimit-Reset is an epoch second, as GitHub and most
 * gateways send it.
 */

/**
 * Renders {@link Decision}s as HTTP response header fields: by default the {@code RateLimit-Policy}
 * and {@code RateLimit} structured fields of the current IETF draft
 * (draft-ietf-httpapi-ratelimit-headers-11), and on request the draft-06 set or the {@code
 * X-RateLimit-*} set for clients that still read those. {@code Retry-After} (delay-seconds, at
 * least 1) is added to a denial, and the reset values of every style agree with it. Immutable and
 * thread-safe: make one per limiter and reuse it.
 *
 * <p>Each policy has a name, carried in both IETF fields. {@link #of(RateLimiter, Style...)} names
 * a limiter's only limit after the limiter ({@code "api"}) and each of several limits after the
 * limiter and the window ({@code "api-1s"}, {@code "api-3600s"}); the builder takes names of your
 * own. {@code RateLimit-Policy} lists every policy; {@code RateLimit} reports the one the decision
 * is about (the binding limit).
 *
 * <pre>{@code
 * RateLimitHeaders headers = RateLimitHeaders.of(limiter);
 * headers.render(limiter.tryAcquire(key)).forEach(response::setHeader);
 * }</pre>
 */
public final class RateLimitHeaders {

  /**
   * A set of header fields; several may be combined, except {@link #RATELIMIT} with {@link
   * #DRAFT_06}.
   */
  public enum Style {
    /**
     * {@code RateLimit-Policy: "name";q=100;w=60} and {@code RateLimit: "name";r=50;t=30}, of
     * draft-ietf-httpapi-ratelimit-headers-11 (the default).
     */
    RATELIMIT,
    /**
     * {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} (seconds) and
     * {@code RateLimit-Policy: 100;w=60}, of draft-ietf-httpapi-ratelimit-headers-06. Its {@code
     * RateLimit-Policy} has another syntax than {@link #RATELIMIT}'s, so the two cannot be sent
     * together.
     */
    DRAFT_06,
    /**
     * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (epoch
     * seconds), the de-facto set of GitHub and many gateways.
     */
    X_RATELIMIT
  }

  /** The draft revision the {@link Style#RATELIMIT} fields follow. */
  public static final String DRAFT = "draft-ietf-httpapi-ratelimit-headers-11";

  private static final RateLimitHeaders.Style[] DEFAULT_STYLES = {Style.RATELIMIT};

  private final List<String> names;
  private final List<Limit> limits;
  private final Set<Style> styles;
  private final String policyField;
  private final String draft06Policy;

  private RateLimitHeaders(List<String> names, List<Limit> limits, Set<Style> styles) {
    this.names = List.copyOf(names);
    this.limits = List.copyOf(limits);
    this.styles = Collections.unmodifiableSet(EnumSet.copyOf(styles));
    List<String> items = new ArrayList<>(limits.size());
    List<String> plain = new ArrayList<>(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      Limit limit = limits.get(i);
      long w = windowSeconds(limit);
      items.add(sfString(names.get(i)) + ";q=" + limit.permits() + ";w=" + w);
      plain.add(limit.permits() + ";w=" + w);
    }
    this.policyField = String.join(", ", items);
    this.draft06Policy = String.join(", ", plain);
  }

  /**
   * Headers for {@code limiter}: its limits as policies named after it (see the class comment), in
   * {@code styles} (default {@link Style#RATELIMIT}).
   *
   * @throws IllegalArgumentException if the styles combine {@link Style#RATELIMIT} and {@link
   *     Style#DRAFT_06}
   */
  public static RateLimitHeaders of(RateLimiter limiter, Style... styles) {
    Objects.requireNonNull(limiter, "limiter");
    return of(limiter.name(), limiter.config().limits(), styles);
  }

  /**
   * Headers for a limiter named {@code name} with {@code limits}, named as {@link #of(RateLimiter,
   * Style...)} names them.
   *
   * @throws IllegalArgumentException if {@code limits} is empty, or the styles combine {@link
   *     Style#RATELIMIT} and {@link Style#DRAFT_06}
   */
  public static RateLimitHeaders of(String name, List<Limit> limits, Style... styles) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(limits, "limits");
    Builder b = builder().styles(styles);
    for (Limit limit : limits) {
      b.policy(limits.size() == 1 ? name : name + "-" + windowName(limit), limit);
    }
    return b.build();
  }

  /** A builder, to name the policies yourself. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy names, in the order {@code RateLimit-Policy} lists them. */
  public List<String> policyNames() {
    return names;
  }

  /** The styles rendered. */
  public Set<Style> styles() {
    return styles;
  }

  /**
   * The header fields for {@code decision}, in a fixed order (the styles' fields in {@link Style}
   * order, then {@code Retry-After} when denied); unmodifiable. The {@code RateLimit} item is the
   * policy whose limit is the decision's (by equality, else by window, else the first).
   */
  public Map<String, String> render(Decision decision) {
    Objects.requireNonNull(decision, "decision");
    Decision d = decision;
    int index = policyFor(d.limit());
    Map<String, String> h = new LinkedHashMap<>(8);
    long retrySeconds = d.allowed() ? 0 : Math.max(1, ceilSeconds(d.retryAfter().toNanos()));
    // the effective window: until the limit is whole again, or on a denial the wait (section 6)
    long resetSeconds = d.allowed() ? ceilSeconds(d.resetAfter().toNanos()) : retrySeconds;
    if (styles.contains(Style.RATELIMIT)) {
      h.put("RateLimit-Policy", policyField);
      h.put("RateLimit", sfString(names.get(index)) + ";r=" + d.remaining() + ";t=" + resetSeconds);
    }
    if (styles.contains(Style.DRAFT_06)) {
      h.put("RateLimit-Limit", Long.toString(d.limit().permits()));
      h.put("RateLimit-Remaining", Long.toString(d.remaining()));
      h.put("RateLimit-Reset", Long.toString(resetSeconds));
      h.put("RateLimit-Policy", draft06Policy);
    }
    if (styles.contains(Style.X_RATELIMIT)) {
      h.put("X-RateLimit-Limit", Long.toString(d.limit().permits()));
      h.put("X-RateLimit-Remaining", Long.toString(d.remaining()));
      h.put("X-RateLimit-Reset", Long.toString(resetEpochSecond(d)));
    }
    if (!d.allowed()) {
      h.put("Retry-After", Long.toString(retrySeconds));
    }
    return Collections.unmodifiableMap(h);
  }

  /**
   * The epoch second of the reset (or, denied, of the retry), rounded up; on a denial never before
   * the Retry-After second.
   */
  private static long resetEpochSecond(Decision d) {
    Instant at = d.decidedAt();
    long after = d.allowed() ? d.resetAfter().toNanos() : d.retryAfter().toNanos();
    long seconds = ceilSeconds(at.getNano() + after);
    long whole = at.getEpochSecond();
    return whole + (d.allowed() ? seconds : Math.max(seconds, Math.max(1, ceilSeconds(after))));
  }

  /** Headers for one decision, its limit the only policy, named after its limiter. */
  static Map<String, String> single(Decision d, Style... styles) {
    RateLimitHeaders headers = builder().styles(styles).policy(d.limiter(), d.limit()).build();
    return headers.render(d);
  }

  private int policyFor(Limit limit) {
    int i = limits.indexOf(limit);
    if (i >= 0) {
      return i;
    }
    for (int j = 0; j < limits.size(); j++) {
      if (limits.get(j).window().equals(limit.window())) {
        return j;
      }
    }
    return 0;
  }

  private static long windowSeconds(Limit limit) {
    return Math.max(1, ceilSeconds(limit.windowNanos()));
  }

  private static String windowName(Limit limit) {
    long millis = limit.window().toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  /**
   * An RFC 9651 String: printable ASCII in double quotes, {@code "} and {@code \} escaped; any
   * other character (which a String cannot hold) becomes {@code ?}.
   */
  static String sfString(String text) {
    StringBuilder s = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c >= 0x20 && c <= 0x7E) {
        s.append(c);
      } else {
        s.append('?');
      }
    }
    return s.append('"').toString();
  }

  @Override
  public String toString() {
    return "RateLimitHeaders[" + styles + ", " + policyField + "]";
  }

  /** Builds {@link RateLimitHeaders}. Not thread-safe. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private final List<Limit> limits = new ArrayList<>();
    private Style[] styles = DEFAULT_STYLES;

    private Builder() {}

    /**
     * Adds a policy: its name (sent as a structured-field String) and its limit.
     *
     * @throws IllegalArgumentException if the name is empty or already used
     */
    public Builder policy(String name, Limit limit) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(limit, "limit");
      if (name.isEmpty() || names.contains(name)) {
        throw new IllegalArgumentException(
            "policy name='" + name + "' is rejected: expected a non-empty name used once");
      }
      names.add(name);
      limits.add(limit);
      return this;
    }

    /**
     * Sets the styles rendered; default {@link Style#RATELIMIT}. None given means the default.
     *
     * @throws IllegalArgumentException if they combine {@link Style#RATELIMIT} and {@link
     *     Style#DRAFT_06}
     */
    public Builder styles(Style... styles) {
      Objects.requireNonNull(styles, "styles");
      Style[] chosen = styles.length == 0 ? DEFAULT_STYLES : styles.clone();
      List<Style> list = Arrays.asList(chosen);
      if (list.contains(Style.RATELIMIT) && list.contains(Style.DRAFT_06)) {
        throw new IllegalArgumentException(
            "styles="
                + list
                + " is rejected: RATELIMIT and DRAFT_06 both send RateLimit-Policy, in two"
                + " syntaxes; choose one");
      }
      for (Style s : chosen) {
        Objects.requireNonNull(s, "styles element");
      }
      this.styles = chosen;
      return this;
    }

    /**
     * Builds the renderer.
     *
     * @throws IllegalStateException if no policy was added
     */
    public RateLimitHeaders build() {
      if (limits.isEmpty()) {
        throw new IllegalStateException("policies is empty: expected at least one policy");
      }
      return new RateLimitHeaders(names, limits, EnumSet.copyOf(Arrays.asList(styles)));
    }
  }
}
