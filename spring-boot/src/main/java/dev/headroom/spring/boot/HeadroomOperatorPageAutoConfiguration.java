package dev.headroom.spring.boot;

import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.web.OperatorPage;
import dev.headroom.queue.web.OperatorPageConfig;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The queues' {@link OperatorPage} at {@code headroom.queue.operator-page.path} when {@code
 * headroom.queue.operator-page.enabled}: a servlet in a servlet application, a router function in a
 * reactive one. Read and act access come from an {@link OperatorPageAccess} bean, else {@link
 * OperatorPageAccess#ofDefaults()}.
 */
@AutoConfiguration(after = HeadroomQueueAutoConfiguration.class)
@ConditionalOnClass({JobQueueRegistry.class, OperatorPage.class})
@ConditionalOnBooleanProperty(name = "headroom.queue.operator-page.enabled")
@ConditionalOnBean(JobQueueRegistry.class)
@EnableConfigurationProperties(HeadroomQueueProperties.class)
public class HeadroomOperatorPageAutoConfiguration {

  private static final String PREFIX = "headroom.queue.operator-page.";

  /** The page over every queue of the registry. */
  @Bean
  @ConditionalOnMissingBean
  public OperatorPage headroomOperatorPage(
      JobQueueRegistry registry,
      HeadroomQueueProperties properties,
      ObjectProvider<OperatorPageAccess> access) {
    return OperatorPage.of(
        registry,
        config(
            properties.getOperatorPage(), access.getIfAvailable(OperatorPageAccess::ofDefaults)));
  }

  static OperatorPageConfig config(
      HeadroomQueueProperties.OperatorPage spec, OperatorPageAccess access) {
    path(spec);
    OperatorPageConfig.Builder b =
        OperatorPageConfig.builder()
            .actionsEnabled(spec.isActionsEnabled())
            .readAccess(access.read())
            .actAccess(access.act());
    Props.apply(PREFIX + "page-size", spec.getPageSize(), b::pageSize);
    Props.apply(PREFIX + "title", spec.getTitle(), b::title);
    List<String> origins = spec.getAllowedOrigins();
    for (int i = 0; i < origins.size(); i++) {
      Props.apply(PREFIX + "allowed-origins[" + i + "]", origins.get(i), b::allowOrigin);
    }
    String secret = spec.getCsrfSecret();
    if (secret != null) {
      try {
        b.csrfSecret(secret);
      } catch (RuntimeException e) {
        // never echo the secret itself
        throw Props.invalid(
            PREFIX + "csrf-secret", "(" + secret.length() + " characters)", e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Props.refused("headroom.queue.operator-page", e);
    }
  }

  /** The mount path, checked: {@code /a/b}, no trailing slash, no wildcard. */
  static String path(HeadroomQueueProperties.OperatorPage spec) {
    String path = spec.getPath();
    if (path == null
        || !path.startsWith("/")
        || path.length() < 2
        || path.endsWith("/")
        || path.contains("*")
        || path.contains("?")
        || path.contains("//")) {
      throw Props.invalid(
          PREFIX + "path",
          path,
          "must start with / and name a path below the root, with no trailing /, * or ?");
    }
    return path;
  }

  /** The page as a servlet at {@code <path>/*}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
  static class Servlet {

    /** Mounts the page. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomOperatorPageServlet")
    public ServletRegistrationBean<OperatorPageServlet> headroomOperatorPageServlet(
        OperatorPage page, HeadroomQueueProperties properties) {
      String path = path(properties.getOperatorPage());
      ServletRegistrationBean<OperatorPageServlet> bean =
          new ServletRegistrationBean<>(new OperatorPageServlet(page), path + "/*");
      bean.setName("headroomOperatorPage");
      return bean;
    }
  }

  /** The page as a router function at {@code <path>} and below. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.reactive.function.server.RouterFunction")
  static class Reactive {

    /** Mounts the page. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomOperatorPageRoute")
    public RouterFunction<ServerResponse> headroomOperatorPageRoute(
        OperatorPage page, HeadroomQueueProperties properties) {
      return OperatorPageHandler.routerFunction(page, path(properties.getOperatorPage()));
    }
  }
}
