package dev.headroom.cdn;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks URLs signed by {@link HmacSigner}, for an origin server or edge function: the signature
 * with the key the token names, the expiry and start time with a clock-skew allowance, the client
 * IP and the path prefix. Returns a {@link Verification}; never throws for a bad URL. Thread-safe.
 *
 * <p><b>Key rotation</b>: give the verifier the old and the new key, switch signers to the new key,
 * and drop the old key from the verifier once the last URL it signed has expired.
 *
 * <p>Pass the URL as the client requested it (path and query are enough): the path is compared in
 * canonical encoding, the query as sent.
 *
 * <p>With a meter registry it counts {@code headroom.cdn.verifications} tagged {@code
 * verifier=<name>} and {@code result=<status>} ({@code valid}, {@code expired}, ...); {@link
 * #close()} removes those meters.
 */
public final class HmacVerifier implements AutoCloseable {

  /** The name of a verifier built without {@link Builder#name(String)}. */
  public static final String DEFAULT_NAME = "default";

  /** Default clock-skew allowance. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  /** The largest accepted clock-skew allowance. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

  private final Map<String, HmacKey> keys;
  private final long skewMillis;
  private final TimeSource time;
  private final String name;
  private final VerificationMeters meters;

  private HmacVerifier(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.skewMillis = b.clockSkew.toMillis();
    this.time = b.time;
    this.name = b.name;
    this.meters = new VerificationMeters(b.registry, name);
  }

  /** A builder; at least one key is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The verifier's name, its {@code verifier} meter tag. */
  public String name() {
    return name;
  }

  /** Removes the verifier's meters; it still verifies after close. Idempotent. */
  @Override
  public void close() {
    meters.close();
  }

  /**
   * Checks {@code url} at the time source's current time, for a client at {@code clientIp} (null if
   * unknown).
   */
  public Verification verify(URI url, @Nullable String clientIp) {
    return verify(url, clientIp, time.now());
  }

  /** Checks {@code url} at {@code now}, for an unknown client (a token bound to an IP fails). */
  public Verification verify(URI url, Instant now) {
    return verify(url, null, now);
  }

  /** Checks {@code url} at {@code now}, for a client at {@code clientIp} (null if unknown). */
  public Verification verify(URI url, @Nullable String clientIp, Instant now) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(now, "now");
    return counted(check(url, clientIp, now));
  }

  /**
   * Checks a URL or request target such as {@code /audio/1.mp3?exp=...} given as text, at {@code
   * now}; text that is not a URI is {@link Verification.Status#MALFORMED}.
   */
  public Verification verify(String url, @Nullable String clientIp, Instant now) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(now, "now");
    Verification verification;
    try {
      verification = check(new URI(url), clientIp, now);
    } catch (URISyntaxException e) {
      verification = Verification.invalid(Verification.Status.MALFORMED, null);
    }
    return counted(verification);
  }

  private Verification counted(Verification verification) {
    return meters.count(verification);
  }

  private Verification check(URI url, @Nullable String clientIp, Instant now) {
    HmacToken.Query query = new HmacToken.Query(url.getRawQuery());
    if (!query.anyToken) {
      return Verification.invalid(Verification.Status.MISSING, null);
    }
    String kid = query.get(HmacToken.KEY_ID);
    String exp = query.get(HmacToken.EXPIRES);
    String sig = query.get(HmacToken.SIGNATURE);
    if (query.duplicate != null
        || kid == null
        || exp == null
        || sig == null
        || url.getRawPath() == null) {
      return Verification.invalid(Verification.Status.MALFORMED, kid);
    }
    HmacKey key = keys.get(kid);
    if (key == null) {
      return Verification.invalid(Verification.Status.UNKNOWN_KEY, kid);
    }
    String st = orEmpty(query.get(HmacToken.START));
    String ip = orEmpty(query.get(HmacToken.IP));
    String acl = orEmpty(query.get(HmacToken.ACL));
    AssetPath path;
    try {
      path = AssetPath.of(url.getRawPath());
    } catch (InvalidAssetPathException e) {
      return Verification.invalid(Verification.Status.MALFORMED, kid);
    }
    boolean tree = !acl.isEmpty();
    String expected =
        HmacToken.signature(
            key, exp, st, ip, acl, tree ? "" : path.encoded(), tree ? "" : query.rest());
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.UTF_8))) {
      return Verification.invalid(Verification.Status.BAD_SIGNATURE, kid);
    }
    // Authentic from here on: the fields are ours, but parse them defensively all the same.
    if (!exp.matches("\\d{1,12}") || !(st.isEmpty() || st.matches("\\d{1,12}"))) {
      return Verification.invalid(Verification.Status.MALFORMED, kid);
    }
    long nowMillis = now.toEpochMilli();
    long expires = Long.parseLong(exp);
    if (nowMillis >= expires * 1000 + skewMillis) {
      return Verification.invalid(Verification.Status.EXPIRED, kid);
    }
    if (!st.isEmpty() && nowMillis < Long.parseLong(st) * 1000 - skewMillis) {
      return Verification.invalid(Verification.Status.NOT_YET_VALID, kid);
    }
    if (!ip.isEmpty()) {
      IpRange range;
      try {
        range = IpRange.parse(HmacToken.IP, ip);
      } catch (IllegalArgumentException e) {
        return Verification.invalid(Verification.Status.MALFORMED, kid);
      }
      if (clientIp == null || !range.contains(clientIp)) {
        return Verification.invalid(Verification.Status.IP_MISMATCH, kid);
      }
    }
    if (tree) {
      try {
        if (!path.startsWith(AssetPath.of(acl))) {
          return Verification.invalid(Verification.Status.PATH_NOT_ALLOWED, kid);
        }
      } catch (InvalidAssetPathException e) {
        return Verification.invalid(Verification.Status.MALFORMED, kid);
      }
    }
    return Verification.valid(kid, Instant.ofEpochSecond(expires));
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  @Override
  public String toString() {
    return "HmacVerifier["
        + name
        + ", keys="
        + keys.keySet()
        + ", clockSkew="
        + Duration.ofMillis(skewMillis)
        + "]";
  }

  /** Builds an {@link HmacVerifier}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, HmacKey> keys = new LinkedHashMap<>();
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private TimeSource time = TimeSource.system();
    private @Nullable MeterRegistry registry;
    private String name = DEFAULT_NAME;

    private Builder() {}

    /**
     * Sets the name, the {@code verifier} tag of its meters; default {@value
     * HmacVerifier#DEFAULT_NAME}.
     */
    public Builder name(String name) {
      this.name = Require.notBlank("name", name);
      return this;
    }

    /**
     * Records outcomes to {@code registry} as the counter {@code headroom.cdn.verifications} with
     * the tags {@code verifier=<name>} and {@code result} ({@code valid}, {@code expired}, {@code
     * bad_signature}, ...); default none.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /**
     * Adds a key the verifier accepts.
     *
     * @throws IllegalArgumentException if a key with the same id was added
     */
    public Builder key(HmacKey key) {
      Objects.requireNonNull(key, "key");
      if (keys.containsKey(key.id())) {
        throw new IllegalArgumentException(
            "key id='"
                + key.id()
                + "' is rejected: a key with that id was already"
                + " added; every key needs its own id");
      }
      keys.put(key.id(), key);
      return this;
    }

    /** Adds every key in {@code keys}, as {@link #key(HmacKey)} does. */
    public Builder keys(List<HmacKey> keys) {
      keys.forEach(this::key);
      return this;
    }

    /**
     * Sets how far the signer's and the verifier's clocks may disagree: a token is accepted from
     * {@code start - skew} until before {@code expiry + skew}. Default {@link #DEFAULT_CLOCK_SKEW}.
     *
     * @throws IllegalArgumentException if negative or above {@link #MAX_CLOCK_SKEW}
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew=" + skew + " is rejected: expected 0 to " + MAX_CLOCK_SKEW);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Sets where the current time comes from for {@link HmacVerifier#verify(URI, String)}; default
     * the system clock.
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull("timeSource", time);
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @throws IllegalStateException if no key was added
     */
    public HmacVerifier build() {
      if (keys.isEmpty()) {
        throw new IllegalStateException("keys is empty: expected at least one HmacKey");
      }
      return new HmacVerifier(this);
    }
  }
}
