package dev.headroom.cdn;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks Akamai EdgeAuth tokens as the edge does, for an origin server, a test, or an edge that is
 * not Akamai's: the HMAC (with the signer's secret, algorithm, salt and escapeEarly setting), the
 * expiry and start time with a clock-skew allowance, the client IP, and for ACL tokens the request
 * path against each {@code !}-separated pattern ({@code *} matches any characters). Returns a
 * {@link Verification}; never throws for a bad token. Thread-safe.
 *
 * <p>The token comes from the URL's query parameter ({@link #verify(URI, String, Instant)}) or, for
 * cookie and header tokens, as text with the request path ({@link #verifyToken(String, String,
 * String, Instant)}). Pass the path as the client requested it (raw, percent-encoded).
 *
 * <p>With a meter registry it counts {@code headroom.cdn.verifications} tagged {@code
 * verifier=<name>} and {@code result=<status>}, as {@link HmacVerifier} does; {@link #close()}
 * removes those meters.
 */
public final class AkamaiVerifier implements AutoCloseable {

  /** The name of a verifier built without {@link Builder#name(String)}. */
  public static final String DEFAULT_NAME = "akamai";

  private static final Set<String> FIELDS = Set.of("ip", "st", "exp", "acl", "id", "data", "hmac");

  private final AkamaiSigner settings;
  private final long skewMillis;
  private final TimeSource time;
  private final String name;
  private final VerificationMeters meters;

  private AkamaiVerifier(Builder b) {
    this.settings = b.settings;
    this.skewMillis = b.clockSkew.toMillis();
    this.time = b.time;
    this.name = b.name;
    this.meters = new VerificationMeters(b.registry, name);
  }

  /**
   * A builder checking tokens made by {@code signer}'s settings (secret, token name, algorithm,
   * salt, escapeEarly), as the edge property is configured.
   */
  public static Builder builder(AkamaiSigner signer) {
    return new Builder(Objects.requireNonNull(signer, "signer"));
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

  /** Checks the token in {@code url}'s query at the time source's current time. */
  public Verification verify(URI url, @Nullable String clientIp) {
    return verify(url, clientIp, time.now());
  }

  /** Checks the token in {@code url}'s query at {@code now}, for a client at {@code clientIp}. */
  public Verification verify(URI url, @Nullable String clientIp, Instant now) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(now, "now");
    String token = null;
    int found = 0;
    String query = url.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&", -1)) {
        if (pair.startsWith(settings.tokenName() + "=")) {
          token = pair.substring(settings.tokenName().length() + 1);
          found++;
        }
      }
    }
    if (token == null) {
      return counted(Verification.invalid(Verification.Status.MISSING, null));
    }
    if (found > 1 || url.getRawPath() == null) {
      return counted(Verification.invalid(Verification.Status.MALFORMED, null));
    }
    return counted(check(token, url.getRawPath(), clientIp, now));
  }

  /** Checks a request target such as {@code /a.mp4?__token__=...} given as text. */
  public Verification verify(String url, @Nullable String clientIp, Instant now) {
    Objects.requireNonNull(url, "url");
    try {
      return verify(new URI(url), clientIp, now);
    } catch (URISyntaxException e) {
      return counted(Verification.invalid(Verification.Status.MALFORMED, null));
    }
  }

  /**
   * Checks a token sent as a cookie or header for a request to {@code path} (raw, as requested), at
   * {@code now}, for a client at {@code clientIp} (null if unknown).
   */
  public Verification verifyToken(
      String token, String path, @Nullable String clientIp, Instant now) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(now, "now");
    return counted(check(token, path, clientIp, now));
  }

  private Verification counted(Verification verification) {
    return meters.count(verification);
  }

  private Verification check(String token, String path, @Nullable String clientIp, Instant now) {
    int hmacAt = token.startsWith("hmac=") ? 0 : token.lastIndexOf("~hmac=") + 1;
    if (!token.startsWith("hmac=", hmacAt)) {
      return Verification.invalid(Verification.Status.MALFORMED, null);
    }
    Map<String, String> fields = new HashMap<>();
    for (String field : token.split("~", -1)) {
      int eq = field.indexOf('=');
      String key = eq < 0 ? field : field.substring(0, eq);
      if (eq < 0 || !FIELDS.contains(key) || fields.put(key, field.substring(eq + 1)) != null) {
        return Verification.invalid(Verification.Status.MALFORMED, null);
      }
    }
    String exp = fields.get("exp");
    String hmac = fields.get("hmac");
    String acl = fields.get("acl");
    if (exp == null || hmac == null || !token.endsWith("hmac=" + hmac)) {
      return Verification.invalid(Verification.Status.MALFORMED, null);
    }
    String id = fields.get("id");
    String signedFields = token.substring(0, hmacAt);
    String source =
        AkamaiSigner.hashSource(
            signedFields, acl == null ? settings.escape(path) : null, settings.salt());
    String expected = settings.hmacHex(source);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        hmac.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))) {
      return Verification.invalid(Verification.Status.BAD_SIGNATURE, id);
    }
    String st = fields.get("st");
    if (!exp.matches("\\d{1,12}") || (st != null && !st.matches("\\d{1,12}"))) {
      return Verification.invalid(Verification.Status.MALFORMED, id);
    }
    long nowMillis = now.toEpochMilli();
    long expires = Long.parseLong(exp);
    if (nowMillis >= expires * 1000 + skewMillis) {
      return Verification.invalid(Verification.Status.EXPIRED, id);
    }
    if (st != null && nowMillis < Long.parseLong(st) * 1000 - skewMillis) {
      return Verification.invalid(Verification.Status.NOT_YET_VALID, id);
    }
    String ip = fields.get("ip");
    if (ip != null) {
      IpRange range;
      try {
        range = IpRange.parse("ip", unescape(ip));
      } catch (IllegalArgumentException e) {
        return Verification.invalid(Verification.Status.MALFORMED, id);
      }
      if (clientIp == null || !range.contains(clientIp)) {
        return Verification.invalid(Verification.Status.IP_MISMATCH, id);
      }
    }
    if (acl != null) {
      boolean allowed = false;
      for (String pattern : unescape(acl).split("!", -1)) {
        allowed |= matches(pattern, path);
      }
      if (!allowed) {
        return Verification.invalid(Verification.Status.PATH_NOT_ALLOWED, id);
      }
    }
    return Verification.valid(id, Instant.ofEpochSecond(expires));
  }

  private String unescape(String text) {
    return settings.escapesEarly() ? URLDecoder.decode(text, StandardCharsets.UTF_8) : text;
  }

  /** Whether {@code path} matches {@code pattern}, where {@code *} matches any characters. */
  static boolean matches(String pattern, String path) {
    int p = 0;
    int s = 0;
    int star = -1;
    int mark = 0;
    while (s < path.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == path.charAt(s)) {
        p++;
        s++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = s;
      } else if (star >= 0) {
        p = star + 1;
        s = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return "AkamaiVerifier["
        + name
        + ", "
        + settings
        + ", clockSkew="
        + Duration.ofMillis(skewMillis)
        + "]";
  }

  /** Builds an {@link AkamaiVerifier}. Not thread-safe. */
  public static final class Builder {
    private final AkamaiSigner settings;
    private Duration clockSkew = HmacVerifier.DEFAULT_CLOCK_SKEW;
    private TimeSource time = TimeSource.system();
    private @Nullable MeterRegistry registry;
    private String name = DEFAULT_NAME;

    private Builder(AkamaiSigner settings) {
      this.settings = settings;
    }

    /** Sets the name, the {@code verifier} tag of its meters; default {@value #DEFAULT_NAME}. */
    public Builder name(String name) {
      this.name = Require.notBlank("name", name);
      return this;
    }

    /** Records outcomes to {@code registry}, as {@link HmacVerifier.Builder#meterRegistry} does. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /**
     * Sets how far the signer's and the verifier's clocks may disagree: a token is accepted from
     * {@code st - skew} until before {@code exp + skew}. Default {@link
     * HmacVerifier#DEFAULT_CLOCK_SKEW}.
     *
     * @throws IllegalArgumentException if negative or above {@link HmacVerifier#MAX_CLOCK_SKEW}
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      if (skew.isNegative() || skew.compareTo(HmacVerifier.MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clockSkew=" + skew + " is rejected: expected 0 to " + HmacVerifier.MAX_CLOCK_SKEW);
      }
      this.clockSkew = skew;
      return this;
    }

    /** Sets where the current time comes from; default the system clock. */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull("timeSource", time);
      return this;
    }

    /** Builds the verifier. */
    public AkamaiVerifier build() {
      return new AkamaiVerifier(this);
    }
  }
}
