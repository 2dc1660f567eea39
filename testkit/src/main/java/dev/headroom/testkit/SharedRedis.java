package dev.headroom.testkit;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The Redis that tests share in one JVM, found once: {@code REDIS_URL} if set, else {@code
 * 127.0.0.1:6379} if it answers PING, else a {@code redis-server} started on a free port (stopped
 * when the JVM exits). No Redis at all is an error, never a skip.
 */
final class SharedRedis {

  private static @Nullable SharedRedis instance;

  final String host;
  final int port;
  final int database;
  final @Nullable String password;
  final String uri;
  final String origin;
  final @Nullable RedisServer started;

  private SharedRedis(
      String host,
      int port,
      int database,
      @Nullable String password,
      String uri,
      String origin,
      @Nullable RedisServer started) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.password = password;
    this.uri = uri;
    this.origin = origin;
    this.started = started;
  }

  static synchronized SharedRedis get() {
    if (instance == null) {
      instance = find();
    }
    return instance;
  }

  private static SharedRedis find() {
    String env = System.getenv("REDIS_URL");
    if (env != null && !env.isBlank()) {
      return fromUrl(env.strip());
    }
    if (Resp.answersPing("127.0.0.1", 6379, 1000)) {
      return new SharedRedis(
          "127.0.0.1", 6379, 0, null, "redis://127.0.0.1:6379", "127.0.0.1:6379", null);
    }
    RedisServer server;
    try {
      server = RedisServer.start();
    } catch (RedisUnavailableForTestsException e) {
      throw new RedisUnavailableForTestsException(
          "tests need a Redis: REDIS_URL is not set, nothing answers on "
              + "127.0.0.1:6379, and starting one failed ("
              + e.getMessage()
              + "). Install Redis with "
              + "'apt-get install redis-server' or set REDIS_URL.",
          e);
    }
    return new SharedRedis(
        server.host(), server.port(), 0, null, server.uri(), "started " + server.uri(), server);
  }

  private static SharedRedis fromUrl(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new RedisUnavailableForTestsException(
          "REDIS_URL='" + url + "' is not a URL: " + e.getMessage(), e);
    }
    if (!"redis".equals(String.valueOf(u.getScheme()).toLowerCase(Locale.ROOT))
        || u.getHost() == null) {
      throw new RedisUnavailableForTestsException(
          "the testkit uses REDIS_URL of the form "
              + "redis://[:password@]host[:port][/database]; it was '"
              + url
              + "'");
    }
    int port = u.getPort() < 0 ? 6379 : u.getPort();
    int db = 0;
    String path = u.getPath();
    if (path != null && path.length() > 1) {
      db = Integer.parseInt(path.substring(1));
    }
    String password = null;
    if (u.getUserInfo() != null) {
      String ui = u.getUserInfo();
      password = ui.contains(":") ? ui.substring(ui.indexOf(':') + 1) : ui;
    }
    SharedRedis r = new SharedRedis(u.getHost(), port, db, password, url, "REDIS_URL", null);
    try (Resp resp = r.open()) {
      resp.call("PING");
    } catch (Exception e) {
      throw new RedisUnavailableForTestsException(
          "REDIS_URL is set but "
              + u.getHost()
              + ":"
              + port
              + " does not answer: "
              + e.getMessage(),
          e);
    }
    return r;
  }

  /** A connection authenticated and on the right database. */
  Resp open() throws java.io.IOException {
    Resp r = new Resp(host, port, 5000);
    if (password != null) {
      r.call("AUTH", password);
    }
    if (database != 0) {
      r.call("SELECT", String.valueOf(database));
    }
    return r;
  }
}
