package dev.headroom.spring.boot;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.filter.OncePerRequestFilter;

/** The operator page mounted as a servlet in a Spring MVC application. */
@SpringBootTest(
    classes = {WebTestApp.class, OperatorPageServletTest.TestUser.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "headroom.redis.enabled=false",
      "headroom.queue.workers=false",
      "headroom.queue.queues.mail.concurrency=1",
      "headroom.queue.queues.reports.concurrency=1",
      "headroom.cache.caches.users.value-type=java.lang.String",
      "headroom.queue.operator-page.enabled=true",
      "headroom.queue.operator-page.actions-enabled=true"
    })
class OperatorPageServletTest extends OperatorPageWebTestSupport {

  /** Stands in for an authentication filter: the principal named by {@code X-Test-User}. */
  static class TestUser extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String user = request.getHeader("X-Test-User");
      if (user == null) {
        chain.doFilter(request, response);
        return;
      }
      Principal principal = () -> user;
      chain.doFilter(
          new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
              return principal;
            }
          },
          response);
    }
  }
}
