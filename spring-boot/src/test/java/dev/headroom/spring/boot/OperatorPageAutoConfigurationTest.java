package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.http.RouteRequest;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.web.AccessCheck;
import dev.headroom.queue.web.OperatorPage;
import dev.headroom.queue.web.OperatorPageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

class OperatorPageAutoConfigurationTest {

  static final AutoConfigurations CONFIG =
      AutoConfigurations.of(
          HeadroomRedisAutoConfiguration.class,
          HeadroomQueueAutoConfiguration.class,
          HeadroomOperatorPageAutoConfiguration.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(CONFIG)
          .withPropertyValues(
              "headroom.redis.enabled=false",
              "headroom.queue.workers=false",
              "headroom.queue.queues.mail.concurrency=1");

  static final RouteRequest ANONYMOUS = RouteRequest.builder("GET", "/").build();
  static final RouteRequest ADA = RouteRequest.builder("GET", "/").principal("ada").build();

  @Test
  void offByDefault() {
    runner.run(
        ctx ->
            assertThat(ctx)
                .hasNotFailed()
                .hasSingleBean(JobQueueRegistry.class)
                .doesNotHaveBean(OperatorPage.class));
  }

  @Test
  void onWhenEnabledReadOnlyWithTheDefaults() {
    runner
        .withPropertyValues("headroom.queue.operator-page.enabled=true")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(OperatorPage.class);
              OperatorPageConfig config = ctx.getBean(OperatorPage.class).config();
              assertThat(config.actionsEnabled()).isFalse();
              assertThat(config.pageSize()).isEqualTo(OperatorPageConfig.DEFAULT_PAGE_SIZE);
              assertThat(config.csrfSecret()).isEmpty();
              assertThat(config.readAccess().allows(ANONYMOUS)).isTrue();
              assertThat(config.actAccess().allows(ANONYMOUS)).isFalse();
              assertThat(config.actAccess().allows(ADA)).isTrue();
              // not a web application: nothing mounted
              assertThat(ctx).doesNotHaveBean("headroomOperatorPageServlet");
              assertThat(ctx).doesNotHaveBean("headroomOperatorPageRoute");
              // the registry's queues, as they are at each request
              ctx.getBean(JobQueueRegistry.class).getOrCreate("late");
              assertThat(
                      ctx.getBean(OperatorPage.class)
                          .handle(RouteRequest.builder("GET", "/api/queues").build())
                          .bodyText())
                  .contains("\"mail\"", "\"late\"");
            });
  }

  @Test
  void thePropertiesReachTheConfig() {
    runner
        .withPropertyValues(
            "headroom.queue.operator-page.enabled=true",
            "headroom.queue.operator-page.actions-enabled=true",
            "headroom.queue.operator-page.page-size=100",
            "headroom.queue.operator-page.allowed-origins=https://ops.example.com",
            "headroom.queue.operator-page.csrf-secret=" + "s".repeat(32),
            "headroom.queue.operator-page.title=Shop queues")
        .run(
            ctx -> {
              OperatorPageConfig config = ctx.getBean(OperatorPage.class).config();
              assertThat(config.actionsEnabled()).isTrue();
              assertThat(config.pageSize()).isEqualTo(100);
              assertThat(config.allowedOrigins()).containsExactly("https://ops.example.com");
              assertThat(config.csrfSecret()).hasValue("s".repeat(32));
              assertThat(config.title()).isEqualTo("Shop queues");
            });
  }

  @Test
  void anOperatorPageAccessBeanGivesTheChecks() {
    runner
        .withPropertyValues("headroom.queue.operator-page.enabled=true")
        .withBean(
            OperatorPageAccess.class,
            () ->
                new OperatorPageAccess(
                    OperatorPageAccess.AUTHENTICATED, AccessCheck.principalIn("grace")))
        .run(
            ctx -> {
              OperatorPageConfig config = ctx.getBean(OperatorPage.class).config();
              assertThat(config.readAccess().allows(ANONYMOUS)).isFalse();
              assertThat(config.readAccess().allows(ADA)).isTrue();
              assertThat(config.actAccess().allows(ADA)).isFalse();
              assertThat(
                      config
                          .actAccess()
                          .allows(
                              RouteRequest.builder("POST", "/action").principal("grace").build()))
                  .isTrue();
            });
  }

  @Test
  void aUserDefinedPageWins() {
    runner
        .withPropertyValues("headroom.queue.operator-page.enabled=true")
        .withBean(
            "myPage",
            OperatorPage.class,
            () -> OperatorPage.of(List.of(), OperatorPageConfig.builder().pageSize(7).build()))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(OperatorPage.class).hasBean("myPage");
              assertThat(ctx.getBean(OperatorPage.class).config().pageSize()).isEqualTo(7);
            });
  }

  @Test
  void absentWithoutTheQueueModule() {
    runner
        .withPropertyValues("headroom.queue.operator-page.enabled=true")
        .withClassLoader(new FilteredClassLoader(OperatorPage.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("headroomOperatorPage"));
  }

  @Test
  void absentWithoutAJobQueueRegistry() {
    runner
        .withPropertyValues(
            "headroom.queue.enabled=false", "headroom.queue.operator-page.enabled=true")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(OperatorPage.class));
  }

  @Test
  void mountedAsAServletInAServletApplication() {
    new WebApplicationContextRunner()
        .withConfiguration(CONFIG)
        .withPropertyValues(
            "headroom.redis.enabled=false",
            "headroom.queue.operator-page.enabled=true",
            "headroom.queue.operator-page.path=/ops/queues")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().doesNotHaveBean("headroomOperatorPageRoute");
              ServletRegistrationBean<?> servlet =
                  ctx.getBean("headroomOperatorPageServlet", ServletRegistrationBean.class);
              assertThat(servlet.getUrlMappings()).containsExactly("/ops/queues/*");
            });
  }

  @Test
  void mountedAsARouterFunctionInAReactiveApplication() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(CONFIG)
        .withPropertyValues(
            "headroom.redis.enabled=false", "headroom.queue.operator-page.enabled=true")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasNotFailed()
                    .hasBean("headroomOperatorPageRoute")
                    .doesNotHaveBean("headroomOperatorPageServlet"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "page-size|0|headroom.queue.operator-page.page-size|0|pageSize",
        "page-size|501|headroom.queue.operator-page.page-size|501|pageSize",
        "path|queues|headroom.queue.operator-page.path|queues|must start with /",
        "path|/queues/|headroom.queue.operator-page.path|/queues/|no trailing /",
        "path|/|headroom.queue.operator-page.path|/|below the root",
        "allowed-origins|ops.example.com|headroom.queue.operator-page.allowed-origins[0]|ops.example.com|scheme://host",
        "csrf-secret|short|headroom.queue.operator-page.csrf-secret|(5 characters)|at least 32 characters"
      })
  void aBadPropertyFailsStartupNamingItsValueAndTheRule(
      String property, String value, String name, String shown, String rule) {
    runner
        .withPropertyValues(
            "headroom.queue.operator-page.enabled=true",
            "headroom.queue.operator-page." + property + "=" + value)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              Throwable cause = ctx.getStartupFailure();
              while (!(cause instanceof InvalidHeadroomPropertyException)
                  && cause.getCause() != null) {
                cause = cause.getCause();
              }
              assertThat(cause).isInstanceOf(InvalidHeadroomPropertyException.class);
              InvalidHeadroomPropertyException e = (InvalidHeadroomPropertyException) cause;
              assertThat(e.property()).isEqualTo(name);
              assertThat(e.value()).isEqualTo(shown);
              assertThat(e.rule()).contains(rule);
              assertThat(e.getMessage()).startsWith(name + "=" + shown + " is invalid: ");
            });
  }

  @Test
  void theCsrfSecretNeverShowsInTheFailure() {
    String secret = "too-short-secret";
    runner
        .withPropertyValues(
            "headroom.queue.operator-page.enabled=true",
            "headroom.queue.operator-page.csrf-secret=" + secret)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
              }
            });
  }
}
