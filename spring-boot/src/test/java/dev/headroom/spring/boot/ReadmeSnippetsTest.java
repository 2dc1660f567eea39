package dev.headroom.spring.boot;

import dev.headroom.queue.Job;
import dev.headroom.queue.web.AccessCheck;
import dev.headroom.testkit.ReadmeSnippets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Every {@code ```java} block of the module README stands in this class, which compiles it. */
class ReadmeSnippetsTest {

  record User(String id, String name) {}

  interface UserRepository {
    User find(String id);

    void rename(String id, String name);
  }

@RestController
class UserController {

  private final UserRepository repository;

  UserController(UserRepository repository) {
    this.repository = repository;
  }

  @Cacheable("users")
  @GetMapping("/users/{id}")
  public User user(@PathVariable("id") String id) {
    return repository.find(id);
  }

  @CacheEvict("users")
  @PutMapping("/users/{id}")
  public void rename(@PathVariable("id") String id, @RequestBody String name) {
    repository.rename(id, name);
  }

  @RateLimited("login")
  @PostMapping("/login")
  public String login(@RequestBody String credentials) {
    return "welcome";
  }
}

  record Email(String to, String text) {}

  record ReportRequest(String owner) {}

  static final List<Email> outbox = new ArrayList<>();

@Component
class Mailer {

  @JobHandlerMethod(type = "email", queue = "mail")
  public void send(Email email) {
    outbox.add(email);
  }

  @JobHandlerMethod(type = "report")
  public void report(Job<ReportRequest> job) {
    outbox.add(new Email(job.payload().owner(), "report, attempt " + job.attempt()));
  }
}

  @Configuration(proxyBeanMethods = false)
  static class OperatorPageAccessConfig {

@Bean
OperatorPageAccess operatorPageAccess() {
  return new OperatorPageAccess(
      OperatorPageAccess.AUTHENTICATED,                  // read: any signed-in user
      AccessCheck.principalIn("ada", "grace"));          // act: these two
}
  }

  @Configuration(proxyBeanMethods = false)
  static class SecurityConfig {

@Bean
SecurityFilterChain security(HttpSecurity http) throws Exception {
  http.authorizeHttpRequests(auth -> auth
          .requestMatchers(HttpMethod.POST, "/headroom/queues/action").hasRole("QUEUE_ADMIN")
          .requestMatchers("/headroom/queues/**").hasRole("OPS")
          .anyRequest().authenticated())
      .csrf(csrf -> csrf.ignoringRequestMatchers("/headroom/queues/**"))
      .httpBasic(Customizer.withDefaults());
  return http.build();
}
  }

  @Test
  void readmeSnippetsStandHere() {
    ReadmeSnippets.assertAllIn(
        Path.of("README.md"), Path.of("src/test/java/dev/headroom/spring/boot/ReadmeSnippetsTest.java"));
  }
}
