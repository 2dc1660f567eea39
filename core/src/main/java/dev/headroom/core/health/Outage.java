package dev.headroom.core.health;

import dev.headroom.core.time.TimeSource;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outage bookkeeping of one backend connection: since when it has been unavailable and the last
 * error, logged once when an outage begins and once when it ends. Thread-safe; {@link #available()}
 * costs one volatile read while nothing is wrong.
 */
public final class Outage {

  private static final Logger log = LoggerFactory.getLogger(Outage.class);

  private final String what;
  private final TimeSource time;
  private volatile @Nullable Instant since;
  private volatile @Nullable String lastError;

  /**
   * @param what names the component in log lines, such as {@code "queue 'jobs'"}
   * @param time the clock that dates the outage
   */
  public Outage(String what, TimeSource time) {
    this.what = what;
    this.time = time;
  }

  /** Records a successful call: ends the outage, if one was open. */
  public void available() {
    if (since != null) {
      synchronized (this) {
        Instant s = since;
        if (s != null) {
          log.info("{}: the backend answers again (unavailable since {})", what, s);
          since = null;
          lastError = null;
        }
      }
    }
  }

  /** Records a failed call: opens an outage if none is open, and keeps the error's message. */
  public void unavailable(Throwable error) {
    synchronized (this) {
      if (since == null) {
        since = time.now();
        log.warn("{}: the backend is unavailable ({})", what, error.toString());
      }
      lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
    }
  }

  /** Whether an outage is open. */
  public boolean isUnavailable() {
    return since != null;
  }

  /** When the open outage began, or null. */
  public @Nullable Instant since() {
    return since;
  }

  /** The last error of the open outage, or null. */
  public @Nullable String lastError() {
    return lastError;
  }

  /**
   * Adds {@code unavailableSince} and {@code lastError} to health details while an outage is open.
   */
  public void addTo(Map<String, Object> details) {
    Instant s = since;
    String e = lastError;
    if (s != null) {
      details.put("unavailableSince", s.toString());
    }
    if (e != null) {
      details.put("lastError", e);
    }
  }
}
