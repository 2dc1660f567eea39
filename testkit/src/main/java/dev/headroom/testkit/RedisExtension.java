package dev.headroom.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Redis: declare a {@link TestRedis} parameter on a test method, a lifecycle
 * method or the constructor.
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class MyTest {
 *   @Test
 *   void works(TestRedis redis) {
 *     try (RedisConnector c = RedisConnector.create(redis.uri())) {
 *       c.sync().set(redis.keyPrefix() + ":k", "v");
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>The Redis is {@code REDIS_URL} if set, else {@code 127.0.0.1:6379} if it answers, else a
 * {@code redis-server} started from {@code PATH} on a free port for the whole test run. If none of
 * these works the test fails with a message that says how to install Redis: it is never skipped.
 * Each resolution has its own key prefix, and its keys are deleted when the scope that resolved
 * it ends (the test method, or the class for {@code @BeforeAll} and constructor parameters).
 */
public final class RedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RedisExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestRedis.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SharedRedis shared;
    try {
      shared = SharedRedis.get();
    } catch (RedisUnavailableForTestsException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
    String name = context.getTestMethod().map(m -> m.getName())
        .orElseGet(() -> context.getTestClass().map(Class::getSimpleName).orElse("test"));
    TestRedis redis = new TestRedis(shared, name);
    context.getStore(NS).put(redis.keyPrefix(), (AutoCloseable) redis::deleteKeys);
    return redis;
  }
}
