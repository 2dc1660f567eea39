package dev.headroom.spring.boot;

import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves a core {@link Route} in a WebFlux application at {@code <path>} and below: the route's
 * context path is the application's context path plus {@code path}, its path the rest, decoded. The
 * body is read up to {@link OperatorPageServlet#MAX_BODY} bytes (more gets 413); the route, which
 * may block on Redis, runs on Reactor's bounded elastic scheduler, never an event-loop thread. A
 * route that throws gets 500. Thread-safe.
 */
final class OperatorPageHandler implements HandlerFunction<ServerResponse> {

  private static final Logger log = LoggerFactory.getLogger(OperatorPageHandler.class);

  private final Route route;
  private final String mount;

  OperatorPageHandler(Route route, String mount) {
    this.route = route;
    this.mount = mount;
  }

  /** The router function serving {@code route} at {@code mount} and below. */
  static RouterFunction<ServerResponse> routerFunction(Route route, String mount) {
    return RouterFunctions.route(
        RequestPredicates.path(mount).or(RequestPredicates.path(mount + "/**")),
        new OperatorPageHandler(route, mount));
  }

  @Override
  public Mono<ServerResponse> handle(ServerRequest request) {
    Mono<byte[]> body =
        DataBufferUtils.join(
                request.exchange().getRequest().getBody(), OperatorPageServlet.MAX_BODY)
            .map(OperatorPageHandler::bytes)
            .defaultIfEmpty(new byte[0]);
    Mono<Optional<String>> principal =
        request
            .principal()
            .map(p -> Optional.of(((Principal) p).getName()))
            .defaultIfEmpty(Optional.empty());
    return body.zipWith(principal)
        .publishOn(Schedulers.boundedElastic())
        .map(t -> answer(request, t.getT1(), t.getT2()))
        .onErrorResume(
            DataBufferLimitException.class,
            e -> Mono.just(RouteResponse.text(413, "request body too large\n")))
        .flatMap(OperatorPageHandler::write);
  }

  private RouteResponse answer(ServerRequest request, byte[] body, Optional<String> principal) {
    String within = request.requestPath().pathWithinApplication().value();
    String rest = within.length() > mount.length() ? within.substring(mount.length()) : "";
    RouteRequest.Builder built =
        RouteRequest.builder(request.method().name(), UriUtils.decode(rest, StandardCharsets.UTF_8))
            .contextPath(request.requestPath().contextPath().value() + mount)
            .rawQuery(request.uri().getRawQuery())
            .body(body)
            .principal(principal.orElse(null))
            .secure("https".equalsIgnoreCase(request.uri().getScheme()));
    request
        .headers()
        .asHttpHeaders()
        .forEach((name, values) -> values.forEach(v -> built.header(name, v)));
    try {
      return route.handle(built.build());
    } catch (RuntimeException e) {
      log.warn("route at {} failed to answer {}", mount, request.method(), e);
      return RouteResponse.text(500, "internal error\n");
    }
  }

  private static Mono<ServerResponse> write(RouteResponse response) {
    byte[] bytes = response.body();
    ServerResponse.BodyBuilder builder =
        ServerResponse.status(HttpStatusCode.valueOf(response.status()))
            .headers(
                h -> {
                  for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
                    header.getValue().forEach(v -> h.add(header.getKey(), v));
                  }
                });
    return bytes.length == 0 ? builder.build() : builder.bodyValue(bytes);
  }

  private static byte[] bytes(DataBuffer buffer) {
    try {
      byte[] out = new byte[buffer.readableByteCount()];
      buffer.read(out);
      return out;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }
}
