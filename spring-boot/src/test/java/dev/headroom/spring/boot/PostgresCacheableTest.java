package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.redis.RedisConnector;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A {@code @Cacheable} repository over a real PostgreSQL table, on two application contexts that
 * share a real Redis: hits on one node skip the database, the other node is served from Redis, and
 * an eviction on one node makes the next read on the other go to the database again.
 */
class PostgresCacheableTest {

  static final String SUFFIX = ProcessHandle.current().pid() + "_" + System.nanoTime();
  static final String TABLE = "hr_boot_users_" + SUFFIX;
  static final String NAMESPACE = "hrtest-pg-" + SUFFIX;

  static JdbcTemplate jdbc() {
    String url =
        System.getenv().getOrDefault("HEADROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = System.getenv().getOrDefault("HEADROOM_PG_USER", "postgres");
    return new JdbcTemplate(new DriverManagerDataSource(url, user, ""));
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableCaching
  @Import(UserRepository.class)
  static class App {}

  static class UserRepository {
    final JdbcTemplate jdbc = jdbc();
    final AtomicInteger queries = new AtomicInteger();

    @Cacheable("pg-users")
    public String name(Integer id) {
      queries.incrementAndGet();
      return jdbc.queryForObject("select name from " + TABLE + " where id = ?", String.class, id);
    }

    /** How many queries ran (a method: the repository is a caching proxy). */
    public int queries() {
      return queries.get();
    }

    @CacheEvict(cacheNames = "pg-users", key = "#root.args[0]")
    public void rename(Integer id, String name) {
      jdbc.update("update " + TABLE + " set name = ? where id = ?", name, id);
    }
  }

  @BeforeAll
  static void createTable() {
    jdbc().execute("create table " + TABLE + " (id integer primary key, name text not null)");
    jdbc().update("insert into " + TABLE + " values (1, 'ada'), (2, 'grace')");
  }

  @AfterAll
  static void dropTableAndKeys() {
    jdbc().execute("drop table if exists " + TABLE);
    try (RedisConnector redis = RedisConnector.create(HeadroomAutoConfigurationTest.redisUrl())) {
      List<String> keys = redis.sync().keys(NAMESPACE + ":*");
      if (!keys.isEmpty()) {
        redis.sync().del(keys.toArray(String[]::new));
      }
    }
  }

  static ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties(
            "headroom.redis.url=" + HeadroomAutoConfigurationTest.redisUrl(),
            "headroom.redis.namespace=" + NAMESPACE,
            "headroom.cache.caches.pg-users.value-type=java.lang.String",
            "headroom.cache.caches.pg-users.ttl=10m")
        .run();
  }

  @Test
  void hitsSkipTheDatabaseOnThisNodeAndTheOther() {
    try (ConfigurableApplicationContext a = start();
        ConfigurableApplicationContext b = start()) {
      UserRepository ra = a.getBean(UserRepository.class);
      UserRepository rb = b.getBean(UserRepository.class);

      for (int i = 0; i < 5; i++) {
        assertThat(ra.name(1)).isEqualTo("ada");
      }
      assertThat(ra.queries()).as("one query, then L1 hits").isEqualTo(1);

      assertThat(rb.name(1)).isEqualTo("ada");
      assertThat(rb.queries()).as("the other node is served from Redis").isZero();

      rb.rename(1, "ada lovelace");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(
              () -> {
                String name = ra.name(1);
                return name.equals("ada lovelace");
              });
      assertThat(ra.queries()).as("the eviction sent node a back to the database").isEqualTo(2);
    }
  }
}
