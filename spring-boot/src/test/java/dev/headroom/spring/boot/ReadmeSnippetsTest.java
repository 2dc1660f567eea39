package dev.headroom.spring.boot;

import dev.headroom.testkit.ReadmeSnippets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
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

  @Test
  void readmeSnippetsStandHere() {
    ReadmeSnippets.assertAllIn(
        Path.of("README.md"), Path.of("src/test/java/dev/headroom/spring/boot/ReadmeSnippetsTest.java"));
  }
}
