package dev.headroom.queue.broker;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import java.time.Duration;

/**
 * A job's own backoff as the text stored with it: {@code base,cap,multiplier,jitter,maxAttempts}.
 */
public final class RetrySpec {

  private RetrySpec() {}

  /** The stored form of {@code backoff}. */
  public static String format(Backoff backoff) {
    return backoff.base().toMillis()
        + ","
        + backoff.cap().toMillis()
        + ","
        + backoff.multiplier()
        + ","
        + backoff.jitter().name()
        + ","
        + backoff.maxAttempts();
  }

  /**
   * The backoff of a stored form.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Backoff parse(String spec) {
    String[] p = spec.split(",", -1);
    int fields = p.length;
    while (fields > 0 && p[fields - 1].isEmpty()) {
      fields--; // trailing empty fields do not count, as with split(",")
    }
    if (fields != 5) {
      throw new IllegalArgumentException("not a stored backoff: '" + spec + "'");
    }
    return Backoff.exponential(
            Duration.ofMillis(Long.parseLong(p[0])), Duration.ofMillis(Long.parseLong(p[1])))
        .multiplier(Double.parseDouble(p[2]))
        .jitter(Jitter.valueOf(p[3]))
        .maxAttempts(Integer.parseInt(p[4]))
        .build();
  }
}
