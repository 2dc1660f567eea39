package dev.headroom.testkit;

import dev.headroom.core.redis.RedisConnector;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Redis: declare a {@link RedisConnector} or a {@link TestRedis} parameter on a
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
 * <p>A parameter belongs to the scope that resolves it: the test method (for test methods,
 * {@code @BeforeEach}/{@code @AfterEach} methods and, with the default per-method lifecycle, the
 * constructor), or the test class (for {@code @BeforeAll}/{@code @AfterAll} methods, and the
 * constructor under {@code @TestInstance(PER_CLASS)}).
 *
 * <ul>
 *   <li>Each {@link TestRedis} parameter has a key prefix of its own, and its keys are deleted when
 *       its scope ends.
 *   <li>Every {@link RedisConnector} parameter of one scope is the same connector, with the default
 *       options, closed when the scope ends. A test method whose class has already resolved one
 *       gets the class's connector.
 * </ul>
 */
public final class RedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RedisExtension.class);
  private static final String CONNECTOR = "connector";

  /** Created by JUnit for {@code @ExtendWith(RedisExtension.class)}. */
  public RedisExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestRedis.class || type == RedisConnector.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SharedRedis shared = sharedRedis();
    ExtensionContext.Store store = context.getStore(NS);
    if (parameter.getParameter().getType() == RedisConnector.class) {
      return store
          .computeIfAbsent(
              CONNECTOR,
              k -> new ClosingConnector(RedisConnector.create(shared.uri)),
              ClosingConnector.class)
          .connector();
    }
    String name =
        context
            .getTestMethod()
            .map(m -> m.getName())
            .orElseGet(() -> context.getTestClass().map(Class::getSimpleName).orElse("test"));
    TestRedis redis = new TestRedis(shared, name);
    store.put(redis.keyPrefix(), (AutoCloseable) redis::deleteKeys);
    return redis;
  }

  /**
   * Constructor parameters belong to the test method, unless the class has one instance for all.
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(
      ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  private static SharedRedis sharedRedis() {
    try {
      return SharedRedis.get();
    } catch (RedisUnavailableForTestsException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  /** Closes the connector when its scope's store is closed. */
  private record ClosingConnector(RedisConnector connector) implements AutoCloseable {
    @Override
    public void close() {
      connector.close();
    }
  }
}
