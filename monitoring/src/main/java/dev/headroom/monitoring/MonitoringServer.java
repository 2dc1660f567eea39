package dev.headroom.monitoring;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP endpoint on the JDK's built-in server ({@code com.sun.net.httpserver}) for services
 * without a web framework:
 *
 * <ul>
 *   <li>{@code GET /health}: the {@link Monitor#snapshot()} as JSON; status 200 unless the snapshot
 *       is DOWN, then 503 (so a load balancer can act on the status alone);
 *   <li>{@code GET /metrics}: Prometheus text from a {@code PrometheusMeterRegistry}, when one was
 *       given with {@link Builder#prometheus} (the {@code micrometer-registry-prometheus}
 *       dependency is optional: add it to use this); 404 otherwise;
 *   <li>any {@link Route} mounted with {@link Builder#route} (such as the queue's operator page):
 *       every method, at its path and below it, with the request body limited to 64 KiB (413
 *       beyond) and the principal of an {@link Builder#authenticator authenticator}, if any.
 * </ul>
 *
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (MonitoringServer server = MonitoringServer.builder(monitor).prometheus(prometheus)
 *     .bind(new InetSocketAddress(9464)).start()) { ... }
 * }</pre>
 *
 * Other methods get 405, other paths 404. Requests are served by two daemon threads. Binds to the
 * loopback address on a free port unless told otherwise: exposing health details beyond the host is
 * a choice to make deliberately. Thread-safe; close it to stop serving.
 */
public final class MonitoringServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MonitoringServer.class);
  private static final String JSON = "application/json; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MonitoringServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** A builder serving {@code monitor}'s snapshots. */
  public static Builder builder(Monitor monitor) {
    return new Builder(monitor);
  }

  /** The address the server listens on (with the actual port when it was asked for port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops accepting requests, lets those in flight finish for up to a second, and stops the
   * threads.
   */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "MonitoringServer[" + address() + "]";
  }

  /** Builds and starts a {@link MonitoringServer}; not thread-safe. */
  public static final class Builder {

    private final Monitor monitor;
    private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private @Nullable Supplier<String> metrics;
    private String healthPath = "/health";
    private String metricsPath = "/metrics";
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private @Nullable Authenticator authenticator;

    private Builder(Monitor monitor) {
      this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    /** Where to listen; default the loopback address on a free port. */
    public Builder bind(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Serves {@code registry}'s scrape at the metrics path. */
    public Builder prometheus(PrometheusMeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      this.metrics = PrometheusText.of(registry);
      return this;
    }

    /**
     * The health path; default {@code /health}.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public Builder healthPath(String path) {
      this.healthPath = checkPath("healthPath", path);
      return this;
    }

    /**
     * The metrics path; default {@code /metrics}.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public Builder metricsPath(String path) {
      this.metricsPath = checkPath("metricsPath", path);
      return this;
    }

    /**
     * Mounts {@code route} at {@code path}: it answers requests for {@code path} and every path
     * below it ({@code path + "/..."}), in any method. See {@link Route} for what it is handed.
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}, ends with
     *     {@code /}, or is mounted already
     */
    public Builder route(String path, Route route) {
      checkPath("route path", path);
      Objects.requireNonNull(route, "route");
      if (path.endsWith("/")) {
        throw new IllegalArgumentException("route path must not end with '/', was '" + path + "'");
      }
      if (routes.putIfAbsent(path, route) != null) {
        throw new IllegalArgumentException("route path '" + path + "' is mounted already");
      }
      return this;
    }

    /**
     * Authenticates every request (for example a {@code BasicAuthenticator}); the user it
     * establishes is the {@link RouteRequest#principal()} routes see. Default none: anonymous.
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    private static String checkPath(String field, String path) {
      Objects.requireNonNull(path, field);
      if (!path.startsWith("/") || path.length() < 2) {
        throw new IllegalArgumentException(
            field + " must start with '/' and name something, was '" + path + "'");
      }
      return path;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException if both paths are the same
     * @throws UncheckedIOException if the address cannot be bound (for example, the port is taken)
     */
    public MonitoringServer start() {
      if (healthPath.equals(metricsPath)) {
        throw new IllegalArgumentException(
            "healthPath and metricsPath must differ, both are '" + healthPath + "'");
      }
      for (String mount : routes.keySet()) {
        if (mount.equals(healthPath) || mount.equals(metricsPath)) {
          throw new IllegalArgumentException(
              "route path '" + mount + "' is the health or metrics path");
        }
      }
      HttpServer server;
      try {
        server = HttpServer.create(address, 0);
      } catch (IOException e) {
        throw new UncheckedIOException("could not bind the monitoring server to " + address, e);
      }
      AtomicInteger threads = new AtomicInteger();
      ExecutorService executor =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "headroom-monitoring-http-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      HttpContext context =
          server.createContext(
              "/", new Router(monitor, healthPath, metricsPath, metrics, Map.copyOf(routes)));
      if (authenticator != null) {
        context.setAuthenticator(authenticator);
      }
      server.start();
      log.info(
          "monitoring server listening on {} ({}, {})",
          server.getAddress(),
          healthPath,
          metricsPath);
      return new MonitoringServer(server, executor);
    }
  }

  private record Router(
      Monitor monitor,
      String healthPath,
      String metricsPath,
      @Nullable Supplier<String> metrics,
      Map<String, Route> routes)
      implements HttpHandler {

    private static final int MAX_BODY = 64 * 1024;

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        for (Map.Entry<String, Route> mounted : routes.entrySet()) {
          String mount = mounted.getKey();
          if (path.equals(mount) || path.startsWith(mount + "/")) {
            serve(exchange, mount, path.substring(mount.length()), mounted.getValue());
            return;
          }
        }
        boolean health = path.equals(healthPath);
        boolean scrape = path.equals(metricsPath) && metrics != null;
        if (!health && !scrape) {
          send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
          return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
          return;
        }
        try {
          if (health) {
            HealthSnapshot snapshot = monitor.snapshot();
            send(
                exchange,
                snapshot.status() == HealthStatus.DOWN ? 503 : 200,
                JSON,
                snapshot.toJson());
          } else {
            send(exchange, 200, PrometheusText.CONTENT_TYPE, Objects.requireNonNull(metrics).get());
          }
        } catch (RuntimeException e) {
          log.warn("monitoring server failed to answer {} {}", method, path, e);
          send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
        }
      }
    }

    private static void serve(HttpExchange exchange, String mount, String rest, Route route)
        throws IOException {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        send(exchange, 413, "text/plain; charset=utf-8", "request body too large\n");
        return;
      }
      RouteRequest.Builder request =
          RouteRequest.builder(exchange.getRequestMethod(), rest)
              .contextPath(mount)
              .rawQuery(exchange.getRequestURI().getRawQuery())
              .body(body);
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> values.forEach(v -> request.header(name, v)));
      HttpPrincipal principal = exchange.getPrincipal();
      if (principal != null) {
        request.principal(principal.getUsername());
      }
      RouteResponse response;
      try {
        response = route.handle(request.build());
      } catch (RuntimeException e) {
        log.warn("route {} failed to answer {} {}", mount, exchange.getRequestMethod(), rest, e);
        send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
        return;
      }
      for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
        exchange.getResponseHeaders().put(header.getKey(), header.getValue());
      }
      byte[] bytes = response.body();
      boolean noBody = exchange.getRequestMethod().equals("HEAD") || bytes.length == 0;
      exchange.sendResponseHeaders(response.status(), noBody ? -1 : bytes.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
