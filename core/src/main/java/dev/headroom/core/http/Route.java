package dev.headroom.core.http;

/**
 * Something served over HTTP, independent of the server that serves it: given a request (method,
 * path below the mount point, query, headers, body, principal), it answers a status, headers and a
 * body. A server mounts a route at a path and hands it every request at or below that path.
 *
 * <p>Implementations must be thread-safe (servers call them from several threads at once) and
 * should answer failures with a 4xx or 5xx response rather than throw; an adapter answers an
 * exception thrown anyway with a 500.
 */
@FunctionalInterface
public interface Route {

  /** Answers one request; never null. */
  RouteResponse handle(RouteRequest request);
}
