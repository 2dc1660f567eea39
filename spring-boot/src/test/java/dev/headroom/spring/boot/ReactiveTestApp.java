package dev.headroom.spring.boot;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A small WebFlux application on the starter, for the reactive embedded-server test. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ReactiveTestApp.Api.class)
class ReactiveTestApp {

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

    @GetMapping("/items/{id}")
    public Mono<String> item(@PathVariable("id") String id) {
      return Mono.just("item-" + id);
    }
  }
}
