package dev.headroom.testkit;

import dev.headroom.core.redis.RedisConnector;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Redis: declare a {@link TestRedis} or a {@link RedisConnector} parameter on a
 * test method, a lifecycle method or the constructor.
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class MyTest {
 *   @Test
 *   void works(RedisConnector redis, TestRedis test) {
 *     redis.sync().set(test.keyPrefix() + ":k", "v");
 *   }
 * }
 * }</pre>
 *
 * <p>The Redis is {@code REDIS_URL} if set, else {@code 127.0.0.1:6379} if it answers, else a
 * {@code redis-server} started from {@code PATH} on a free port for the whole test run. If none of
 * these works the test fails with a message that says how to install Redis: it is never skipped.
 *
 * <p>Within one scope (the test method, or the class for {@code @BeforeAll} and constructor
 * parameters) every {@link TestRedis} parameter is the same object with one key prefix, whose
 * keys are deleted when the scope ends; a {@link RedisConnector} parameter is a connector to that
 * Redis with the default options, closed when the scope ends.
 */
public final class RedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RedisExtension.class);

  /** Created by JUnit for {@code @ExtendWith(RedisExtension.class)}. */
  public RedisExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestRedis.class || type == RedisConnector.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestRedis redis = testRedis(context);
    if (parameter.getParameter().getType() == TestRedis.class) {
      return redis;
    }
    ExtensionContext.Store store = context.getStore(NS);
    return store
        .computeIfAbsent(
            "connector", k -> new ClosingConnector(RedisConnector.create(redis.uri())), ClosingConnector.class)
        .connector;
  }

  private static TestRedis testRedis(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NS);
    return store.computeIfAbsent("redis", k -> newTestRedis(context), TestRedis.class);
  }

  private static TestRedis newTestRedis(ExtensionContext context) {
    SharedRedis shared;
    try {
      shared = SharedRedis.get();
    } catch (RedisUnavailableForTestsException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
    String name =
        context
            .getTestMethod()
            .map(m -> m.getName())
            .orElseGet(() -> context.getTestClass().map(Class::getSimpleName).orElse("test"));
    TestRedis redis = new TestRedis(shared, name);
    context.getStore(NS).put("redis-cleanup", (AutoCloseable) redis::deleteKeys);
    return redis;
  }

  /** Closes the connector when the scope's store is closed. */
  private record ClosingConnector(RedisConnector connector) implements AutoCloseable {
    @Override
    public void close() {
      connector.close();
    }
  }
}
