package dev.headroom.core.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Route} answers: a status, headers (a name may repeat, as {@code Set-Cookie} does)
 * and a body. Immutable; {@link #withHeader} answers a copy.
 */
public final class RouteResponse {

  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  private RouteResponse(int status, Map<String, List<String>> headers, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be within 100..599, was " + status);
    }
    this.status = status;
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    this.headers = Collections.unmodifiableMap(copy);
    this.body = body;
  }

  /**
   * A response with {@code body} encoded as UTF-8.
   *
   * @throws IllegalArgumentException if {@code status} is not within 100..599
   */
  public static RouteResponse of(int status, String contentType, String body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    return new RouteResponse(
        status,
        Map.of("Content-Type", List.of(contentType)),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** An HTML page ({@code text/html; charset=utf-8}). */
  public static RouteResponse html(int status, String html) {
    return of(status, "text/html; charset=utf-8", html);
  }

  /** A JSON document ({@code application/json; charset=utf-8}). */
  public static RouteResponse json(int status, String json) {
    return of(status, "application/json; charset=utf-8", json);
  }

  /** Plain text ({@code text/plain; charset=utf-8}). */
  public static RouteResponse text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text);
  }

  /** A {@code 303 See Other} to {@code location} (the answer to a form post). */
  public static RouteResponse seeOther(String location) {
    Objects.requireNonNull(location, "location");
    return new RouteResponse(303, Map.of("Location", List.of(location)), new byte[0]);
  }

  /** A copy with one more value for header {@code name} (kept beside any value it had). */
  public RouteResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, List<String>> next = new LinkedHashMap<>(headers);
    List<String> values = new ArrayList<>(next.getOrDefault(name, List.of()));
    values.add(value);
    next.put(name, values);
    return new RouteResponse(status, next, body);
  }

  /** The status code. */
  public int status() {
    return status;
  }

  /** The headers in the order they were added; each name maps to its values. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name} (exact name), or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RouteResponse[" + status + ", " + body.length + " bytes]";
  }
}
