package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.headroom.core.redis.RedisConnector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What {@link RedisExtension} promises about scopes, checked by running small test classes with the
 * JUnit launcher and looking at what they were given once they are done.
 */
class RedisExtensionTest {

  @Test
  void aTestGetsOneConnectorForAllItsParametersClosedWhenTheTestEnds() {
    PerMethod.seen.clear();
    run(PerMethod.class);

    assertThat(PerMethod.seen).containsOnlyKeys("first", "second");
    RedisConnector first = PerMethod.seen.get("first");
    assertThat(first).isNotSameAs(PerMethod.seen.get("second"));
    for (RedisConnector c : PerMethod.seen.values()) {
      assertThat(c).hasToString("RedisConnector[STANDALONE " + c.url() + ", closed]");
      assertThatThrownBy(c::sync)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is closed");
    }
  }

  @Test
  void eachTestRedisHasItsOwnPrefixWhoseKeysAreDeletedWhenTheTestEnds() {
    PerMethod.prefixes.clear();
    run(PerMethod.class);

    assertThat(PerMethod.prefixes).hasSize(4).doesNotHaveDuplicates();
    for (TestRedis redis : PerMethod.prefixes) {
      assertThat(redis.keys()).isEmpty();
    }
  }

  @Test
  void aClassScopedConnectorIsSharedByItsTestsAndClosedAfterTheLast() {
    ClassScoped.seen.clear();
    run(ClassScoped.class);

    assertThat(ClassScoped.seen).hasSize(3);
    assertThat(ClassScoped.seen).allSatisfy(c -> assertThat(c).isSameAs(ClassScoped.seen.get(0)));
    assertThat(ClassScoped.seen.get(0).toString()).endsWith(", closed]");
  }

  private static void run(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(testClass))
                .filters(EngineFilter.includeEngines("junit-jupiter"))
                .build(),
            listener);
    TestExecutionSummary summary = listener.getSummary();
    assertThat(summary.getFailures())
        .as("failures of %s", testClass.getSimpleName())
        .extracting(TestExecutionSummary.Failure::getException)
        .isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
  }

  /**
   * Two tests with the default per-method lifecycle: the constructor's parameters belong to each
   * test.
   */
  @ExtendWith(RedisExtension.class)
  static class PerMethod {
    static final Map<String, RedisConnector> seen = new ConcurrentHashMap<>();
    static final List<TestRedis> prefixes = new CopyOnWriteArrayList<>();

    private final RedisConnector fromConstructor;
    private final TestRedis constructorRedis;
    private RedisConnector fromBeforeEach;

    PerMethod(RedisConnector connector, TestRedis redis) {
      this.fromConstructor = connector;
      this.constructorRedis = redis;
      prefixes.add(redis);
    }

    @BeforeEach
    void before(RedisConnector connector) {
      this.fromBeforeEach = connector;
    }

    @Test
    void first(RedisConnector a, RedisConnector b, TestRedis redis) {
      check("first", a, b, redis);
    }

    @Test
    void second(RedisConnector a, RedisConnector b, TestRedis redis) {
      check("second", a, b, redis);
    }

    private void check(String test, RedisConnector a, RedisConnector b, TestRedis redis) {
      assertThat(a).isSameAs(b).isSameAs(fromConstructor).isSameAs(fromBeforeEach);
      assertThat(redis.keyPrefix()).isNotEqualTo(constructorRedis.keyPrefix());
      prefixes.add(redis);
      a.sync().set(redis.keyPrefix() + ":k", "v");
      a.sync().set(constructorRedis.keyPrefix() + ":k", "v");
      assertThat(a.sync().get(redis.keyPrefix() + ":k")).isEqualTo("v");
      seen.put(test, a);
    }
  }

  /** A connector resolved for {@code @BeforeAll} belongs to the class: its tests get that one. */
  @ExtendWith(RedisExtension.class)
  static class ClassScoped {
    static final List<RedisConnector> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void before(RedisConnector connector) {
      seen.add(connector);
    }

    @Test
    void first(RedisConnector connector) {
      seen.add(connector);
      assertThat(connector.sync().ping()).isEqualTo("PONG");
    }

    @Test
    void second(RedisConnector connector) {
      seen.add(connector);
    }

    @AfterAll
    static void after(RedisConnector connector) {
      assertThat(connector).isSameAs(seen.get(0));
      assertThat(connector.toString()).doesNotContain("closed");
    }
  }
}
