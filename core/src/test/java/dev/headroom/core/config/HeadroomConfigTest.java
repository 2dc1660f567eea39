package dev.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.jdbc.PoolConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadroomConfigTest {

  private static HeadroomConfig config(Map<String, String> env) {
    return HeadroomConfig.from(Environment.of(env));
  }

  @Test
  void anEmptyEnvironmentIsTheEmbeddedDefault() {
    HeadroomConfig c = config(Map.of());
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.database()).isEmpty();
    assertThat(c.cdnBaseUrl()).isEmpty();
  }

  @Test
  void readsEveryVariable() {
    HeadroomConfig c =
        config(
            Map.of(
                "REDIS_URL",
                "redis://:s3cret@cache.internal:6380/2",
                "DB_URL",
                "jdbc:postgresql://db.internal:5432/app",
                "DB_USER",
                "app",
                "DB_PASSWORD",
                "hunter2",
                "DB_POOL_SIZE",
                "25",
                "DB_QUEUE_LIMIT",
                "100",
                "CDN_BASE_URL",
                "https://cdn.example.com/assets/"));
    assertThat(c.redisUrl()).contains("redis://:s3cret@cache.internal:6380/2");
    PoolConfig db = c.database().orElseThrow();
    assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/app");
    assertThat(db.username()).isEqualTo("app");
    assertThat(db.password()).isEqualTo("hunter2");
    assertThat(db.poolSize()).isEqualTo(25);
    assertThat(db.queueLimit()).isEqualTo(100);
    assertThat(c.cdnBaseUrl())
        .hasValueSatisfying(
            u -> assertThat(u.toString()).isEqualTo("https://cdn.example.com/assets"));
    assertThat(c.toString())
        .doesNotContain("s3cret")
        .doesNotContain("hunter2")
        .contains("redis://:****@cache.internal");
  }

  @Test
  void poolDefaults() {
    PoolConfig db = config(Map.of("DB_URL", "jdbc:h2:mem:x")).database().orElseThrow();
    assertThat(db.poolSize()).isEqualTo(10);
    assertThat(db.queueLimit()).isZero();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DB_POOL_SIZE   | ten           | DB_POOL_SIZE='ten' is not a whole number: expected a whole number from 1 to 10000",
        "DB_POOL_SIZE   | -1            | DB_POOL_SIZE='-1' is out of range: expected a whole number from 1 to 10000",
        "DB_POOL_SIZE   | 0             | DB_POOL_SIZE='0' is out of range",
        "DB_POOL_SIZE   | 99999999999   | DB_POOL_SIZE='99999999999' is not a whole number",
        "DB_QUEUE_LIMIT | -5            | DB_QUEUE_LIMIT='-5' is out of range: expected a whole number from 0 to 1000000, how many threads may wait for a connection (0 = unbounded)",
        "DB_QUEUE_LIMIT | lots          | DB_QUEUE_LIMIT='lots' is not a whole number",
        "REDIS_URL      | htp://x       | REDIS_URL='htp://x' is not a valid Redis URL: unsupported scheme 'htp': expected one of redis://, rediss://",
        "REDIS_URL      | localhost     | REDIS_URL='localhost' is not a valid Redis URL: expected scheme://host[:port]",
        "REDIS_URL      | redis-sentinel://h:26379 | REDIS_URL='redis-sentinel://h:26379' is not a valid Redis URL: a Sentinel URL needs the master's name",
        "CDN_BASE_URL   | not a url     | CDN_BASE_URL='not a url' is not a URL (Illegal character in path at index 3): expected an absolute http:// or https:// URL",
        "CDN_BASE_URL   | ftp://cdn.example.com | CDN_BASE_URL='ftp://cdn.example.com' is not a usable CDN base URL: expected an absolute http:// or https:// URL",
        "CDN_BASE_URL   | /assets       | CDN_BASE_URL='/assets' is not a usable CDN base URL",
        "CDN_BASE_URL   | https://cdn.example.com?v=1 | CDN_BASE_URL='https://cdn.example.com?v=1' is not a usable CDN base URL",
        "DB_URL         | postgres://db/app | DB_URL='postgres://db/app' is not a JDBC URL: expected jdbc:<driver>:<details>",
      })
  void aBadValueNamesTheVariableTheValueAndWhatIsExpected(
      String variable, String value, String message) {
    assertThatThrownBy(() -> config(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid configuration: ")
        .hasMessageContaining(message);
  }

  @Test
  void reportsEveryProblemAtOnceAndMasksPasswords() {
    assertThatThrownBy(
            () ->
                config(Map.of("DB_POOL_SIZE", "ten", "REDIS_URL", "htp://:pw@x", "DB_USER", "app")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).hasSize(3);
              assertThat(e.getMessage())
                  .startsWith("invalid configuration (3 problems)")
                  .contains("DB_USER is set but DB_URL is not")
                  .contains("REDIS_URL='htp://:****@x'")
                  .doesNotContain(":pw@");
            });
  }

  @Test
  void blankMeansAbsent() {
    assertThat(config(Map.of("REDIS_URL", "  ", "DB_POOL_SIZE", "")).redisUrl()).isEmpty();
  }
}
