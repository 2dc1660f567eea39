package dev.headroom.cdn;

import java.net.URI;
import java.util.Objects;

/**
 * Signs URLs with an HMAC-SHA256 token that {@link HmacVerifier} checks: expiry, and optionally a
 * start time, a client IP or CIDR block and a path prefix, all from the {@link Grant}. The token
 * covers the path and every other query parameter, not the host. Works on absolute URLs and on
 * local paths such as {@code /assets/a.mp3?v=3}. Thread-safe.
 *
 * <pre>{@code
 * HmacSigner signer = HmacSigner.of(HmacKey.ofBase64("2026-01", secret));
 * URI url = signer.sign(URI.create("https://cdn.example.com/audio/1.mp3"), Grant.validFor(Duration.ofMinutes(5), time));
 * // https://cdn.example.com/audio/1.mp3?exp=1767226200&kid=2026-01&sig=...
 * }</pre>
 */
public final class HmacSigner implements UrlSigner {

  private final HmacKey key;

  private HmacSigner(HmacKey key) {
    this.key = key;
  }

  /** A signer with {@code key}. To rotate, give verifiers the new key first, then sign with it. */
  public static HmacSigner of(HmacKey key) {
    return new HmacSigner(Objects.requireNonNull(key, "key"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the URL has a fragment or already has a token parameter
   *     ({@code exp, st, ip, acl, kid, sig}), or lies outside the grant's path prefix
   */
  @Override
  public URI sign(URI url, Grant grant) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(grant, "grant");
    return sign(SignableUrl.of(url), grant);
  }

  /** {@link #sign(URI, Grant)} of a URL already split and checked. */
  URI sign(SignableUrl target, Grant grant) {
    return URI.create(signText(target, grant));
  }

  /** {@link #sign(SignableUrl, Grant)} as text, without parsing it into a URI. */
  String signText(SignableUrl target, Grant grant) {
    Objects.requireNonNull(grant, "grant");
    String url = target.text;
    AssetPath path = target.path;
    String rawQuery = target.query;
    if (rawQuery != null && HmacToken.hasTokenParameter(rawQuery)) {
      throw new IllegalArgumentException(
          "url='"
              + url
              + "' is rejected: it already has a token parameter (one of "
              + HmacToken.NAMES
              + ")");
    }
    String rest = rawQuery == null ? "" : rawQuery;
    String exp = Long.toString(grant.expires().getEpochSecond());
    if (grant.isExpiryOnly()) {
      // the usual token: exp, kid and sig only, appended in one concatenation
      String sig = HmacToken.signature(key, exp, "", "", "", path.encoded(), rest);
      String open = target.canonical ? url + target.separator() : target.withQueryOpen().toString();
      return open
          + HmacToken.EXPIRES
          + "="
          + exp
          + "&"
          + HmacToken.KEY_ID
          + "="
          + key.id()
          + "&"
          + HmacToken.SIGNATURE
          + "="
          + sig;
    }
    String st = grant.notBefore().map(start -> Long.toString(start.getEpochSecond())).orElse("");
    String ip = grant.clientIp().orElse("");
    String acl = grant.pathPrefix().map(AssetPath::encoded).orElse("");
    if (grant.pathPrefix().isPresent() && !path.startsWith(grant.pathPrefix().get())) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: its path is outside the grant's pathPrefix " + acl);
    }
    boolean tree = !acl.isEmpty();
    String sig =
        HmacToken.signature(key, exp, st, ip, acl, tree ? "" : path.encoded(), tree ? "" : rest);

    StringBuilder out = target.withQueryOpen().append(HmacToken.EXPIRES).append('=').append(exp);
    append(out, HmacToken.START, st);
    append(out, HmacToken.IP, ip);
    append(out, HmacToken.ACL, acl);
    append(out, HmacToken.KEY_ID, key.id());
    append(out, HmacToken.SIGNATURE, sig);
    return out.toString();
  }

  private static void append(StringBuilder out, String name, String value) {
    if (!value.isEmpty()) {
      out.append('&').append(name).append('=').append(value);
    }
  }

  @Override
  public String toString() {
    return "HmacSigner[" + key.id() + "]";
  }
}
