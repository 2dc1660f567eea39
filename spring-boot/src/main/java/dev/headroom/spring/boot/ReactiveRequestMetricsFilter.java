package dev.headroom.spring.boot;

import dev.headroom.monitoring.RequestMetrics;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The WebFlux twin of {@link RequestMetricsFilter}: records every exchange in {@link
 * RequestMetrics} under its route template ({@code /users/{id}}, the best matching pattern WebFlux
 * chose), never the raw path; an exchange no handler matched is recorded as {@link
 * RequestMetricsFilter#UNMATCHED}. An error that escapes the chain counts as 500 (or the status of
 * a {@link ResponseStatusException}); a cancelled exchange (the client went away) as 499.
 */
public final class ReactiveRequestMetricsFilter implements WebFilter, Ordered {

  /** The status recorded for an exchange the client cancelled. */
  public static final int CLIENT_CLOSED = 499;

  private final RequestMetrics metrics;

  /** Records into {@code metrics}. */
  public ReactiveRequestMetricsFilter(RequestMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    RequestMetrics.Sample sample = metrics.start();
    int[] errorStatus = {0};
    return chain
        .filter(exchange)
        .doOnError(
            e ->
                errorStatus[0] =
                    e instanceof ResponseStatusException r ? r.getStatusCode().value() : 500)
        .doFinally(signal -> record(exchange, sample, signal, errorStatus[0]));
  }

  private static void record(
      ServerWebExchange exchange, RequestMetrics.Sample sample, SignalType signal, int error) {
    int status;
    if (signal == SignalType.ON_ERROR) {
      status = error;
    } else if (signal == SignalType.CANCEL) {
      status = CLIENT_CLOSED;
    } else {
      HttpStatusCode code = exchange.getResponse().getStatusCode();
      status = code == null ? 200 : code.value();
    }
    Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String route =
        pattern instanceof PathPattern p
            ? p.getPatternString()
            : pattern instanceof String s && !s.isEmpty() ? s : RequestMetricsFilter.UNMATCHED;
    sample.stop(route, exchange.getRequest().getMethod().name(), status);
  }
}
