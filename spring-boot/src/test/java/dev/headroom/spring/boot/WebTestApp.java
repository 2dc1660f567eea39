package dev.headroom.spring.boot;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A small web application on the starter, for the embedded-server tests. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
@Import(WebTestApp.Users.class)
class WebTestApp {

  @RestController
  static class Users {

    private final AtomicInteger loads = new AtomicInteger();

    /** How many times {@link #user} ran (a method: the controller is a caching proxy). */
    public int loads() {
      return loads.get();
    }

    @Cacheable("users")
    @GetMapping("/users/{id}")
    public String user(@PathVariable("id") String id) {
      loads.incrementAndGet();
      return "user-" + id;
    }

    @CacheEvict("users")
    @DeleteMapping("/users/{id}")
    public void evict(@PathVariable("id") String id) {}

    @CacheEvict(cacheNames = "users", allEntries = true)
    @DeleteMapping("/users")
    public void evictAll() {}

    @RateLimited("login")
    @PostMapping("/login")
    public String login() {
      return "welcome";
    }

    @GetMapping("/api/ping")
    public String ping() {
      return "pong";
    }
  }
}
