package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The WebFlux twin of {@link HeadroomRateLimitFilter}: applies {@code headroom.ratelimit.rules} by
 * path pattern and method, with the same keys (client address behind trusted proxies, principal,
 * header), the same headers and the same 429 problem body. Limiters are asked asynchronously, so no
 * event-loop thread waits for Redis; a decision Redis answers resumes the chain on the parallel
 * scheduler, never on a Redis client thread.
 */
public final class HeadroomRateLimitWebFilter implements WebFilter, Ordered {

  private final HeadroomRateLimits limits;
  private final RateLimitRules rules;
  private final boolean byPrincipal;
  private final int order;

  /**
   * A filter applying {@code rules}, at {@code order} among the web filters.
   *
   * @throws InvalidHeadroomPropertyException if a rule names an unknown policy, a bad path pattern,
   *     or {@code key=header} without a header
   */
  public HeadroomRateLimitWebFilter(
      HeadroomRateLimits limits, List<HeadroomRateLimitProperties.Rule> rules, int order) {
    this.limits = limits;
    this.rules = RateLimitRules.compile(limits, rules);
    this.byPrincipal = this.rules.anyByPrincipal();
    this.order = order;
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (rules.isEmpty()) {
      return chain.filter(exchange);
    }
    ServerHttpRequest request = exchange.getRequest();
    List<RateLimitRules.Rule> matching =
        rules.matching(request.getPath().pathWithinApplication(), request.getMethod().name());
    if (matching.isEmpty()) {
      return chain.filter(exchange);
    }
    Mono<Optional<String>> principal =
        byPrincipal
            ? exchange
                .<Principal>getPrincipal()
                .map(p -> Optional.of(p.getName()))
                .defaultIfEmpty(Optional.empty())
            : Mono.just(Optional.empty());
    return principal.flatMap(p -> apply(exchange, chain, matching, 0, p.orElse(null)));
  }

  private Mono<Void> apply(
      ServerWebExchange exchange,
      WebFilterChain chain,
      List<RateLimitRules.Rule> matching,
      int index,
      @Nullable String principal) {
    if (index == matching.size()) {
      return chain.filter(exchange);
    }
    RateLimitRules.Rule rule = matching.get(index);
    ServerHttpRequest request = exchange.getRequest();
    String key =
        RateLimitRules.key(
            rule.key(),
            rule.header(),
            principal,
            name -> request.getHeaders().getFirst(name),
            () -> clientIp(limits, request));
    CompletableFuture<Decision> pending = limits.limiter(rule.policy()).tryAcquireAsync(key, 1);
    Mono<Decision> decided =
        pending.isDone()
            ? Mono.fromFuture(pending)
            : Mono.fromFuture(pending).publishOn(Schedulers.parallel());
    return decided.flatMap(
        decision -> {
          limits.headers(decision).forEach(exchange.getResponse().getHeaders()::set);
          return decision.allowed()
              ? apply(exchange, chain, matching, index + 1, principal)
              : deny(exchange, rule.policy(), decision);
        });
  }

  private static Mono<Void> deny(ServerWebExchange exchange, String policy, Decision decision) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
    response.getHeaders().set(HttpHeaders.CONTENT_TYPE, "application/problem+json");
    byte[] body =
        HeadroomRateLimits.problem(policy, decision, exchange.getRequest().getPath().value())
            .getBytes(StandardCharsets.UTF_8);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }

  /** The client address of a reactive request, behind the trusted proxies. */
  static String clientIp(HeadroomRateLimits limits, ServerHttpRequest request) {
    InetSocketAddress remote = request.getRemoteAddress();
    String peer;
    if (remote == null) {
      peer = "unknown";
    } else if (remote.getAddress() != null) {
      peer = remote.getAddress().getHostAddress();
    } else {
      peer = remote.getHostString();
    }
    HttpHeaders headers = request.getHeaders();
    return limits
        .clientAddress()
        .resolve(peer, headers.get("X-Forwarded-For"), headers.get("Forwarded"));
  }
}
