package dev.headroom.core.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as a {@link Route} sees it, built by the server adapter that mounts the route.
 *
 * <p>{@link #contextPath()} is where the route is mounted (such as {@code /queues}, or a servlet's
 * context and servlet path); {@link #path()} is the rest ({@code ""}, {@code "/"} or {@code
 * "/jobs"}), so a route builds its links from {@code contextPath()} and works wherever it is
 * mounted. Header names are case-insensitive. The form is the body parsed as {@code
 * application/x-www-form-urlencoded} when the request says it is; otherwise it is empty. Malformed
 * percent-escapes make a parameter absent rather than fail. Immutable and thread-safe.
 */
public final class RouteRequest {

  private final String method;
  private final String contextPath;
  private final String path;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final @Nullable String principal;
  private final boolean secure;
  private final Map<String, List<String>> form;

  private RouteRequest(Builder b) {
    this.method = b.method.toUpperCase(Locale.ROOT);
    this.contextPath = b.contextPath;
    this.path = b.path;
    this.query = freeze(parseUrlEncoded(b.rawQuery));
    this.headers = freeze(b.headers);
    this.body = b.body;
    this.principal = b.principal;
    this.secure = b.secure;
    String type = header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    this.form =
        type.startsWith("application/x-www-form-urlencoded")
            ? freeze(parseUrlEncoded(new String(body, StandardCharsets.UTF_8)))
            : Map.of();
  }

  /** A builder for {@code method} and {@code path} (below the mount point). */
  public static Builder builder(String method, String path) {
    return new Builder(method, path);
  }

  /** The method, upper case ({@code GET}, {@code POST}, ...). */
  public String method() {
    return method;
  }

  /** Where the route is mounted, without a trailing slash ({@code ""} at the root). */
  public String contextPath() {
    return contextPath;
  }

  /** The path below {@link #contextPath()}: {@code ""} or starting with {@code /}; decoded. */
  public String path() {
    return path;
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> queryParam(String name) {
    return first(query, name);
  }

  /** Every query parameter with its values, in request order. */
  public Map<String, List<String>> queryParams() {
    return query;
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    return first(headers, name.toLowerCase(Locale.ROOT));
  }

  /** Every value of header {@code name} (any case), or an empty list. */
  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The value of cookie {@code name} from the {@code Cookie} headers. */
  public Optional<String> cookie(String name) {
    for (String header : headers("Cookie")) {
      for (String pair : header.split(";", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
          return Optional.of(pair.substring(eq + 1).trim());
        }
      }
    }
    return Optional.empty();
  }

  /** The first value of form field {@code name} (empty unless the body is a URL-encoded form). */
  public Optional<String> formParam(String name) {
    return first(form, name);
  }

  /** Every form field with its values (empty unless the body is a URL-encoded form). */
  public Map<String, List<String>> form() {
    return form;
  }

  /** A copy of the body bytes (empty when there is none). */
  public byte[] body() {
    return body.clone();
  }

  /** The authenticated user's name, as the server established it; empty when anonymous. */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  /** Whether the request came over TLS (as the server or its proxy tells). */
  public boolean secure() {
    return secure;
  }

  @Override
  public String toString() {
    return "RouteRequest[" + method + " " + contextPath + path + "]";
  }

  private static Optional<String> first(Map<String, List<String>> map, String name) {
    List<String> values = map.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static Map<String, List<String>> freeze(Map<String, List<String>> map) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Map<String, List<String>> parseUrlEncoded(@Nullable String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params
            .computeIfAbsent(
                URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // a malformed escape: the parameter is absent
      }
    }
    return params;
  }

  /** Builds a {@link RouteRequest}; used by server adapters and tests. Not thread-safe. */
  public static final class Builder {

    private final String method;
    private final String path;
    private String contextPath = "";
    private @Nullable String rawQuery;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private @Nullable String principal;
    private boolean secure;

    private Builder(String method, String path) {
      this.method = Objects.requireNonNull(method, "method");
      this.path = Objects.requireNonNull(path, "path");
    }

    /** Where the route is mounted; default {@code ""}. A trailing slash is dropped. */
    public Builder contextPath(String contextPath) {
      Objects.requireNonNull(contextPath, "contextPath");
      this.contextPath =
          contextPath.endsWith("/")
              ? contextPath.substring(0, contextPath.length() - 1)
              : contextPath;
      return this;
    }

    /** The raw (still encoded) query string, without {@code ?}; null for none. */
    public Builder rawQuery(@Nullable String rawQuery) {
      this.rawQuery = rawQuery;
      return this;
    }

    /** Adds a value of header {@code name}. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
      return this;
    }

    /** The body (copied). */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return this;
    }

    /** A URL-encoded form body, and its content type. */
    public Builder form(String urlEncodedForm) {
      header("Content-Type", "application/x-www-form-urlencoded");
      return body(urlEncodedForm.getBytes(StandardCharsets.UTF_8));
    }

    /** The authenticated user's name; null when anonymous (the default). */
    public Builder principal(@Nullable String principal) {
      this.principal = principal;
      return this;
    }

    /** Whether the request came over TLS; default false. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** The request. */
    public RouteRequest build() {
      return new RouteRequest(this);
    }
  }
}
