package dev.headroom.queue.web;

import dev.headroom.core.http.RouteRequest;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a request may see the operator page ({@link
 * OperatorPageConfig.Builder#readAccess}) or act on the queues ({@link
 * OperatorPageConfig.Builder#actAccess}), from what the request carries: its principal (set by the
 * server's authentication), headers, cookies. Must be thread-safe and fast; an exception it throws
 * is taken as a refusal.
 */
@FunctionalInterface
public interface AccessCheck {

  /** Whether {@code request} is allowed. */
  boolean allows(RouteRequest request);

  /** Allows every request (for a page that only trusted networks reach). */
  static AccessCheck allowAll() {
    return request -> true;
  }

  /** Allows no request. */
  static AccessCheck denyAll() {
    return request -> false;
  }

  /** Allows requests whose authenticated principal is one of {@code names}. */
  static AccessCheck principalIn(String... names) {
    Set<String> allowed = Set.of(names);
    return request -> request.principal().map(allowed::contains).orElse(false);
  }

  /** Allows what both this and {@code other} allow. */
  default AccessCheck and(AccessCheck other) {
    Objects.requireNonNull(other, "other");
    return request -> allows(request) && other.allows(request);
  }
}
