package dev.headroom.spring.boot;

import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** A small WebFlux application on the starter, for the reactive embedded-server test. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({ReactiveTestApp.Api.class, ReactiveTestApp.TestUser.class})
class ReactiveTestApp {

  /** Stands in for an authentication filter: the principal named by {@code X-Test-User}. */
  static class TestUser implements WebFilter, Ordered {

    @Override
    public int getOrder() {
      return -100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
      if (user == null) {
        return chain.filter(exchange);
      }
      Principal principal = () -> user;
      return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
    }
  }

  @RestController
  static class Api {

    final AtomicInteger pings = new AtomicInteger();

    @GetMapping("/api/ping")
    public Mono<String> ping() {
      return Mono.fromSupplier(() -> "pong-" + pings.incrementAndGet());
    }

    @PostMapping("/api/ping")
    public Mono<String> post() {
      return Mono.just("posted");
    }

    @GetMapping("/keyed/{id}")
    public Mono<String> keyed(@PathVariable("id") String id) {
      return Mono.just("keyed-" + id);
    }

    @GetMapping("/me/{id}")
    public Mono<String> me(@PathVariable("id") String id) {
      return Mono.just("me-" + id);
    }

    @GetMapping("/items/{id}")
    public Mono<String> item(@PathVariable("id") String id) {
      return Mono.just("item-" + id);
    }
  }
}
