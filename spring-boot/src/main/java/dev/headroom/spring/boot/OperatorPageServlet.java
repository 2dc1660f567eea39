package dev.headroom.spring.boot;

import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a core {@link Route} from a servlet mapped at {@code <path>/*}: the route's context path
 * is the servlet context path plus the servlet path, its path the path info. Bodies over {@link
 * #MAX_BODY} bytes get 413; a route that throws gets 500. Thread-safe.
 */
final class OperatorPageServlet extends HttpServlet {

  /** The largest request body read (64 KiB); a larger one is refused with 413. */
  static final int MAX_BODY = 64 * 1024;

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(OperatorPageServlet.class);

  private final transient Route route;

  OperatorPageServlet(Route route) {
    this.route = route;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (req.getContentLengthLong() > MAX_BODY) {
      send(resp, RouteResponse.text(413, "request body too large\n"), false);
      return;
    }
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      send(resp, RouteResponse.text(413, "request body too large\n"), false);
      return;
    }
    String pathInfo = req.getPathInfo();
    RouteRequest.Builder request =
        RouteRequest.builder(req.getMethod(), pathInfo == null ? "" : pathInfo)
            .contextPath(req.getContextPath() + req.getServletPath())
            .rawQuery(req.getQueryString())
            .body(body)
            .secure(req.isSecure());
    for (String name : Collections.list(req.getHeaderNames())) {
      for (String value : Collections.list(req.getHeaders(name))) {
        request.header(name, value);
      }
    }
    Principal principal = req.getUserPrincipal();
    if (principal != null) {
      request.principal(principal.getName());
    }
    RouteResponse response;
    try {
      response = route.handle(request.build());
    } catch (RuntimeException e) {
      log.warn("route at {} failed to answer {}", req.getServletPath(), req.getMethod(), e);
      response = RouteResponse.text(500, "internal error\n");
    }
    send(resp, response, req.getMethod().equals("HEAD"));
  }

  private static void send(HttpServletResponse resp, RouteResponse response, boolean head)
      throws IOException {
    resp.setStatus(response.status());
    for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
      for (String value : header.getValue()) {
        resp.addHeader(header.getKey(), value);
      }
    }
    byte[] bytes = response.body();
    resp.setContentLength(bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream out = resp.getOutputStream()) {
        out.write(bytes);
      }
    }
  }
}
