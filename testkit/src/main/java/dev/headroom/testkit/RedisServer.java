package dev.headroom.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A dedicated {@code redis-server} process on a free loopback port, for tests that must stop,
 * restart or otherwise own their server (outage, failover, cluster). It keeps nothing on disk
 * between restarts unless told to, and is killed when closed or when the JVM exits.
 *
 * <pre>{@code
 * try (RedisServer server = RedisServer.start()) {
 *   ... connect to server.uri() ...
 *   server.stop();      // simulate an outage
 *   server.restart();   // same port
 * }
 * }</pre>
 *
 * The binary is {@code $REDIS_SERVER} if set, else {@code redis-server} from {@code PATH}.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final int port;
  private final List<String> extraArgs;
  private final @Nullable String sentinelConfig;
  private final Path dir;
  private @Nullable Process process;

  private RedisServer(int port, List<String> extraArgs, @Nullable String sentinelConfig) {
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
    this.sentinelConfig = sentinelConfig;
    try {
      this.dir = Files.createTempDirectory(dataRoot(), "redis-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where data directories go: {@code target/redis-data} when the working directory has a {@code
   * target} folder (a Maven build), else the system's temporary directory.
   */
  private static Path dataRoot() throws IOException {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      return Files.createDirectories(target.resolve("redis-data"));
    }
    return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "headroom-redis"));
  }

  /** Starts a server on a free port and waits until it answers PING. */
  public static RedisServer start() {
    return start(Ports.free(), List.of());
  }

  /** Starts a server on {@code port} with extra {@code redis-server} arguments. */
  public static RedisServer start(int port, List<String> extraArgs) {
    RedisServer server = new RedisServer(port, extraArgs, null);
    server.startProcess();
    return server;
  }

  /**
   * Starts {@code redis-server <dir>/sentinel.conf --sentinel} on {@code port}, the file holding
   * {@code config} (Sentinel rewrites it as it learns the topology).
   */
  static RedisServer startSentinel(int port, String config) {
    RedisServer server = new RedisServer(port, List.of(), config);
    try {
      Files.writeString(server.dir.resolve("sentinel.conf"), config);
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    }
    server.startProcess();
    return server;
  }

  /** The directory the server runs in (its log, its cluster or Sentinel config). */
  public Path dir() {
    return dir;
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** The host, always {@code 127.0.0.1}. */
  public String host() {
    return "127.0.0.1";
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://" + host() + ":" + port;
  }

  /** Whether the process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Kills the server at once (as a crash or a network cut would look to clients) and waits for it
   * to exit.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping redis-server on port " + port, e);
    }
    process = null;
  }

  /**
   * Starts the server again on the same port (empty: nothing is persisted) and waits until it
   * answers.
   */
  public synchronized void restart() {
    stop();
    startProcess();
  }

  /** Stops the server and removes its directory. */
  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

  private synchronized void startProcess() {
    String binary = binary();
    List<String> cmd = new ArrayList<>(List.of(binary));
    if (sentinelConfig != null) {
      cmd.addAll(List.of(dir.resolve("sentinel.conf").toString(), "--sentinel"));
    }
    cmd.addAll(
        List.of(
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "no",
            "--protected-mode",
            "no",
            "--dir",
            dir.toString(),
            "--loglevel",
            "warning"));
    if (sentinelConfig == null) {
      cmd.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    cmd.addAll(extraArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new RedisUnavailableForTestsException(
          "could not run '"
              + binary
              + "': "
              + e.getMessage()
              + ". Install Redis (apt-get install redis-server) or set REDIS_SERVER to the binary.",
          e);
    }
    Process p = process;
    ProcessHandle handle = p.toHandle();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> handle.destroyForcibly()));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Resp.answersPing(host(), port, 500)) {
      if (!p.isAlive()) {
        throw new RedisUnavailableForTestsException(
            "redis-server on port " + port + " exited with " + p.exitValue() + ": " + log());
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new RedisUnavailableForTestsException(
            "redis-server on port "
                + port
                + " did not answer PING within "
                + START_TIMEOUT
                + ": "
                + log());
      }
      pause(20);
    }
  }

  static void pause(long millis) {
    // Polling a process we started ourselves: there is nothing to await but the socket.
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The server's log so far, for failure messages. */
  String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static String binary() {
    String env = System.getenv("REDIS_SERVER");
    if (env != null && !env.isBlank()) {
      return env;
    }
    return findOnPath("redis-server")
        .orElseThrow(
            () ->
                new RedisUnavailableForTestsException(
                    "redis-server is not on PATH. Install it (apt-get install redis-server), set REDIS_SERVER to the binary,"
                        + " or set REDIS_URL to a running Redis."));
  }

  private static Optional<String> findOnPath(String name) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      File f = new File(d, name);
      if (f.canExecute()) {
        return Optional.of(f.getPath());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + (isRunning() ? "" : ", stopped") + "]";
  }
}
