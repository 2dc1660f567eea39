package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.queue.Job;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link JobHandlerMethod}: methods run on their queue and type; bad signatures fail startup. */
class JobHandlerMethodTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(HeadroomAutoConfigurationTest.ALL)
          .withPropertyValues("headroom.redis.enabled=false");

  /** A type whose codec upper-cases on decode, to tell it from one derived from the parameter. */
  static final JobType<String> SHOUT =
      JobType.of(
          "shout",
          new Codec<String>() {
            @Override
            public byte[] encode(String value) {
              return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
              return new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            }
          });

  record Order(String id, int items) {}

  static class Handlers {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @JobHandlerMethod(type = "order", queue = "orders")
    public void order(Order order) {
      seen.add("order " + order.id() + "x" + order.items());
    }

    @JobHandlerMethod(type = "shout")
    public void shout(Job<String> job) {
      seen.add("shout " + job.payload() + " attempt " + job.attempt());
    }
  }

  @Test
  void annotatedMethodsRunOnTheirQueueAndTypeUsingADeclaredJobTypeWhenThereIsOne() {
    runner
        .withBean(Handlers.class)
        .withBean("shoutType", JobType.class, () -> SHOUT)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              JobQueueRegistry queues = ctx.getBean(JobQueueRegistry.class);
              queues.get("orders").enqueue(JobType.of("order", Order.class), new Order("o-1", 3));
              queues.get("default").enqueue(SHOUT, "hey");
              Handlers handlers = ctx.getBean(Handlers.class);
              await().atMost(Duration.ofSeconds(10)).until(() -> handlers.seen.size() == 2);
              assertThat(handlers.seen)
                  .containsExactlyInAnyOrder("order o-1x3", "shout HEY attempt 1");
              assertThat(ctx.getBean(HeadroomQueueWorkers.class).pools())
                  .containsOnlyKeys("orders", "default");
            });
  }

  static class ReturnsAValue {
    @JobHandlerMethod(type = "t")
    public String handle(String payload) {
      return payload;
    }
  }

  static class TwoParameters {
    @JobHandlerMethod(type = "t")
    public void handle(String payload, int extra) {}
  }

  static class NotPublic {
    @JobHandlerMethod(type = "t")
    void handle(String payload) {}
  }

  static class RawJob {
    @JobHandlerMethod(type = "t")
    @SuppressWarnings("rawtypes")
    public void handle(Job job) {}
  }

  @Test
  void aBadSignatureFailsStartupNamingBeanMethodAndRule() {
    assertFailure(ReturnsAValue.class, "handle", "must return void");
    assertFailure(TwoParameters.class, "handle", "exactly one parameter");
    assertFailure(NotPublic.class, "handle", "must be public and not static");
    assertFailure(RawJob.class, "handle", "must name its payload type");
  }

  private void assertFailure(Class<?> bean, String method, String rule) {
    runner
        .withBean("bad" + bean.getSimpleName(), bean)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              Throwable root = ctx.getStartupFailure();
              StringBuilder messages = new StringBuilder();
              for (Throwable t = root; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
              }
              assertThat(messages.toString())
                  .contains(
                      "bean 'bad" + bean.getSimpleName() + "'",
                      bean.getName() + "." + method,
                      rule);
            });
  }
}
