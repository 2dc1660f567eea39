package dev.headroom.benchmarks;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Throughput of the Redis paths at 1, 8, 32 and 128 client threads against their floors, on one
 * private {@code redis-server} started for the run on a free loopback port (never the shared one)
 * and stopped at the end.
 *
 * <p>For each path and thread count, in this order so the three see the same conditions:
 *
 * <ol>
 *   <li>the JMH benchmark with {@code impl=headroom} and its raw Lettuce peer, with the thread
 *       count overridden: {@link CacheL2HitBenchmark} ({@code GET} + decode), {@link
 *       RateLimitRedisBenchmark} ({@code EVALSHA}; the raw script is one {@code INCR}) and {@link
 *       QueueRedisRoundTripBenchmark} (enqueue and process; raw: {@code LPUSH} + {@code RPOP});
 *   <li>{@code redis-benchmark} (from {@code PATH}, or {@code $REDIS_BENCHMARK}) with as many
 *       clients as threads, one request in flight each, for the same commands: {@code GET} of a
 *       value of the same size over 10 000 keys; {@code EVALSHA} of the same one-line script over 1
 *       000 keys; {@code LPUSH} and {@code RPOP}, combined as one job costing both ({@code 1 /
 *       (1/lpush + 1/rpop)}). It is repeated and reported as the median with min–max.
 * </ol>
 *
 * Output, in the directory given (default {@code benchmarks/scaling}): {@code scaling.csv} (one row
 * per path, implementation and thread count: score, low and high bounds, runs), {@code scaling.png}
 * (one panel per path, drawn by {@link ScalingPlot}) and {@code scaling.md} (the table and the
 * conditions: date, JDK, Redis, load average before and after).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.ScalingCurves [run|smoke] [out-dir] [threads,...]
 * </pre>
 *
 * {@code run} (default): 1 fork, 3 warm-up and 8 measured iterations of 1 s per point, {@code
 * redis-benchmark} three times; {@code smoke}: a few hundred milliseconds per point, to check the
 * wiring; {@code plot [out-dir] [subtitle]} draws the PNG again from the CSV.
 */
public final class ScalingCurves {

  private static final Pattern COMMA = Pattern.compile(",");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern LINES = Pattern.compile("\\R");
  private static final Pattern CSV_FIELDS = Pattern.compile("\",\"");

  /** The thread counts measured unless others are given. */
  static final List<Integer> THREADS = List.of(1, 8, 32, 128);

  /** One point of a curve: its score and the bounds drawn around it. */
  record Point(
      String path, String impl, int threads, double score, double low, double high, String runs) {}

  private record Profile(
      int warmups, TimeValue warmupTime, int iterations, TimeValue time, int repeats, int minOps) {}

  private ScalingCurves() {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
    String profileName = args.length > 0 ? args[0] : "run";
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/scaling");
    if (profileName.equals("plot")) {
      ScalingPlot.write(
          readCsv(out.resolve("scaling.csv")),
          out.resolve("scaling.png"),
          args.length > 2 ? args[2] : "");
      return;
    }
    List<Integer> threads =
        args.length > 2 ? COMMA.splitAsStream(args[2]).map(Integer::parseInt).toList() : THREADS;
    Profile profile =
        switch (profileName) {
          case "run" -> new Profile(3, TimeValue.seconds(1), 8, TimeValue.seconds(1), 3, 20_000);
          case "smoke" ->
              new Profile(1, TimeValue.milliseconds(200), 2, TimeValue.milliseconds(300), 1, 2_000);
          default ->
              throw new IllegalArgumentException(
                  "profile must be 'run', 'smoke' or 'plot', was '" + profileName + "'");
        };
    Files.createDirectories(out);
    String loadBefore = loadAverage();
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Point> points = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    String redisVersion;
    try (RedisServer server = RedisServer.start()) {
      String url = server.uri();
      String sha;
      try (RedisConnector connector = RedisConnector.create(url)) {
        String dir = connector.sync().configGet("dir").get("dir");
        if (!server.dir().toRealPath().toString().equals(Path.of(dir).toRealPath().toString())) {
          throw new IllegalStateException(
              "the server on port " + server.port() + " is not the one started (dir " + dir + ")");
        }
        redisVersion = infoField(connector.sync().info("server"), "redis_version");
        sha = connector.sync().scriptLoad("return redis.call('INCR', KEYS[1])");
      }
      System.out.println("private redis-server " + redisVersion + " at " + url);
      int valueSize = CacheL1HitBenchmark.VALUE.getBytes(StandardCharsets.UTF_8).length;
      // fill key:000000000000 … key:000000009999 once, for redis-benchmark's GET
      redisBenchmark(
          server,
          50,
          200_000,
          List.of("-r", "10000", "-d", String.valueOf(valueSize), "-t", "set"));
      for (int n : threads) {
        int ops = Math.max(profile.minOps(), profile.minOps() / 10 * n);
        points.addAll(
            jmh(profile, url, n, "CacheL2HitBenchmark.get", "lettuce", "cache L2 hit", failed));
        points.addAll(
            repeat(
                profile,
                failed,
                "cache L2 hit",
                n,
                () ->
                    rps(
                        redisBenchmark(
                            server,
                            n,
                            ops,
                            List.of("-r", "10000", "-d", String.valueOf(valueSize), "-t", "get")),
                        "GET")));
        points.addAll(
            jmh(
                profile,
                url,
                n,
                "RateLimitRedisBenchmark.decide",
                "raw",
                "rate limit on Redis",
                failed));
        points.addAll(
            repeat(
                profile,
                failed,
                "rate limit on Redis",
                n,
                () ->
                    rps(
                        redisBenchmark(
                            server,
                            n,
                            ops,
                            List.of(
                                "-r",
                                "1000",
                                "evalsha",
                                sha,
                                "1",
                                "headroom-bench-rb:__rand_int__")),
                        "evalsha")));
        points.addAll(
            jmh(
                profile,
                url,
                n,
                "QueueRedisRoundTripBenchmark.enqueueAndProcess",
                "lettuce",
                "queue on Redis",
                failed));
        points.addAll(
            repeat(
                profile,
                failed,
                "queue on Redis",
                n,
                () -> {
                  String csv = redisBenchmark(server, n, ops, List.of("-t", "lpush,rpop"));
                  return 1 / (1 / rps(csv, "LPUSH") + 1 / rps(csv, "RPOP"));
                }));
        writeCsv(out.resolve("scaling.csv"), points);
      }
    }
    String loadAfter = loadAverage();
    writeCsv(out.resolve("scaling.csv"), points);
    ScalingPlot.write(
        points,
        out.resolve("scaling.png"),
        String.format(
            Locale.ROOT,
            "%s · JDK %s · Redis %s · client and server on the same 2 cores · load %s",
            started.toString().substring(0, 10),
            Runtime.version(),
            redisVersion,
            SPACES.split(loadBefore, -1)[0]));
    String md =
        String.format(
                Locale.ROOT,
                "Run %s (profile %s); JDK %s (%s); Redis %s (private server, loopback); "
                    + "load average (1, 5, 15 min) %s before, %s after; command `%s`.%n%n",
                started,
                profileName,
                Runtime.version(),
                System.getProperty("java.vm.name"),
                redisVersion,
                loadBefore,
                loadAfter,
                "java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.ScalingCurves "
                    + String.join(" ", args))
            + table(points)
            + (failed.isEmpty()
                ? ""
                : System.lineSeparator()
                    + "Not measured (failed): "
                    + String.join("; ", failed)
                    + "."
                    + System.lineSeparator());
    Files.writeString(out.resolve("scaling.md"), md);
    System.out.println();
    System.out.println(md);
  }

  /** Runs {@code include} with impl headroom and {@code floor} at {@code threads} threads. */
  private static List<Point> jmh(
      Profile profile,
      String url,
      int threads,
      String include,
      String floor,
      String path,
      List<String> failed)
      throws RunnerException, InterruptedException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include("\\." + include.replace(".", "\\.") + "$")
            .param("impl", "headroom", floor)
            .threads(threads)
            .forks(1)
            .warmupIterations(profile.warmups())
            .warmupTime(profile.warmupTime())
            .measurementIterations(profile.iterations())
            .measurementTime(profile.time())
            .jvmArgsAppend("-D" + BenchRedis.URL_PROPERTY + "=" + url)
            .shouldFailOnError(false);
    Collection<RunResult> results = runWhenNoOtherJmhRuns(new Runner(options.build()));
    List<Point> points = new ArrayList<>();
    for (RunResult r : results) {
      Result<?> res = r.getPrimaryResult();
      double error = Double.isNaN(res.getScoreError()) ? 0 : res.getScoreError();
      String impl = r.getParams().getParam("impl");
      points.add(
          new Point(
              path,
              impl.equals("headroom") ? "headroom" : "lettuce",
              threads,
              res.getScore(),
              Math.max(0, res.getScore() - error),
              res.getScore() + error,
              Suite.runs(r)));
    }
    for (String impl : List.of("headroom", floor)) {
      String name = impl.equals("headroom") ? "headroom" : "lettuce";
      if (points.stream().noneMatch(p -> p.impl().equals(name))) {
        failed.add(
            path + ", " + name + ", " + threads + " threads (the JMH run failed: see its log)");
      }
    }
    return points;
  }

  /**
   * Runs, waiting while another JMH run on this machine holds JMH's lock (two runs at once would
   * measure each other), at most 30 minutes; {@code -Djmh.ignoreLock=true} runs regardless.
   */
  private static Collection<RunResult> runWhenNoOtherJmhRuns(Runner runner)
      throws RunnerException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (true) {
      try {
        return runner.run();
      } catch (RunnerException e) {
        String message = String.valueOf(e.getMessage());
        if (!message.contains("Unable to acquire the JMH lock") || System.nanoTime() > deadline) {
          throw e;
        }
        System.out.println("another JMH run holds the lock; waiting 10 s");
        TimeUnit.SECONDS.sleep(10);
      }
    }
  }

  /** A measurement that can fail, for {@link #repeat}. */
  private interface Measurement {
    double run() throws IOException, InterruptedException;
  }

  /**
   * Repeats a redis-benchmark measurement; the median with min and max as bounds, or nothing (noted
   * in {@code failed}) when it failed.
   */
  private static List<Point> repeat(
      Profile profile, List<String> failed, String path, int threads, Measurement m)
      throws InterruptedException {
    List<Double> rates = new ArrayList<>();
    try {
      for (int i = 0; i < profile.repeats(); i++) {
        rates.add(m.run());
      }
    } catch (IOException | RuntimeException e) {
      failed.add(path + ", redis-benchmark, " + threads + " threads (" + e.getMessage() + ")");
      return List.of();
    }
    rates.sort(null);
    return List.of(
        new Point(
            path,
            "redis-benchmark",
            threads,
            rates.get(rates.size() / 2),
            rates.get(0),
            rates.get(rates.size() - 1),
            rates.size() + " runs"));
  }

  /** Runs redis-benchmark against the server with CSV output and returns that output. */
  static String redisBenchmark(RedisServer server, int clients, int requests, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    String binary = System.getenv("REDIS_BENCHMARK");
    cmd.add(binary == null || binary.isBlank() ? "redis-benchmark" : binary);
    cmd.addAll(
        List.of(
            "-h",
            server.host(),
            "-p",
            String.valueOf(server.port()),
            "-c",
            String.valueOf(clients),
            "-n",
            String.valueOf(requests),
            "--csv"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + output);
    }
    System.out.println(String.join(" ", cmd) + System.lineSeparator() + output);
    return output;
  }

  /**
   * The requests per second of the test whose name starts with {@code test} (case-insensitive) in
   * redis-benchmark's {@code --csv} output.
   */
  static double rps(String csv, String test) {
    for (String line : LINES.split(csv, -1)) {
      String[] fields = CSV_FIELDS.split(line, -1);
      if (fields.length > 1
          && fields[0].startsWith("\"")
          && fields[0]
              .substring(1)
              .toLowerCase(Locale.ROOT)
              .startsWith(test.toLowerCase(Locale.ROOT))
          && !fields[0].equals("\"test")) {
        return Double.parseDouble(fields[1]);
      }
    }
    throw new IllegalStateException("no '" + test + "' row in redis-benchmark output: " + csv);
  }

  private static String infoField(String info, String field) {
    for (String line : LINES.split(info, -1)) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "?";
  }

  /** The first three fields of {@code /proc/loadavg}, or {@code ?} where it cannot be read. */
  static String loadAverage() {
    try {
      String[] f = SPACES.split(Files.readString(Path.of("/proc/loadavg")).trim(), -1);
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "?";
    }
  }

  /** One CSV row per point, sorted as measured. */
  static void writeCsv(Path file, List<Point> points) throws IOException {
    StringBuilder sb = new StringBuilder("path,impl,threads,ops_per_s,low,high,runs\n");
    for (Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%d,%.0f,%.0f,%.0f,%s%n",
              p.path(),
              p.impl(),
              p.threads(),
              p.score(),
              p.low(),
              p.high(),
              p.runs()));
    }
    Files.writeString(file, sb.toString());
  }

  /** Reads what {@link #writeCsv} wrote. */
  static List<Point> readCsv(Path file) throws IOException {
    List<Point> points = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = COMMA.split(line, -1);
      if (f.length == 7 && !f[0].equals("path")) {
        points.add(
            new Point(
                f[0],
                f[1],
                Integer.parseInt(f[2]),
                Double.parseDouble(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                f[6]));
      }
    }
    return points;
  }

  /**
   * A Markdown table: one row per path and thread count, the three implementations side by side
   * (score with its bounds), and Headroom over raw Lettuce and over redis-benchmark.
   */
  static String table(List<Point> points) {
    Map<String, Map<Integer, Map<String, Point>>> byPath =
        points.stream()
            .collect(
                Collectors.groupingBy(
                    Point::path,
                    java.util.LinkedHashMap::new,
                    Collectors.groupingBy(
                        Point::threads,
                        TreeMap::new,
                        Collectors.toMap(Point::impl, p -> p, (a, b) -> b))));
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| path | threads | headroom ops/s | raw Lettuce ops/s | redis-benchmark ops/s |"
            + " headroom / Lettuce | Lettuce / redis-benchmark |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Map<Integer, Map<String, Point>>> path : byPath.entrySet()) {
      for (Map.Entry<Integer, Map<String, Point>> t : path.getValue().entrySet()) {
        Point h = t.getValue().get("headroom");
        Point l = t.getValue().get("lettuce");
        Point r = t.getValue().get("redis-benchmark");
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s | %s | %s |%n",
                path.getKey(),
                t.getKey(),
                cell(h),
                cell(l),
                cell(r),
                h == null || l == null ? "" : ratio(h, l),
                l == null || r == null ? "" : ratio(l, r)));
      }
    }
    return sb.toString();
  }

  private static String cell(@Nullable Point p) {
    return p == null
        ? ""
        : String.format(
            Locale.ROOT, "%,.0f (%,.0f–%,.0f, %s)", p.score(), p.low(), p.high(), p.runs());
  }

  private static String ratio(Point a, Point b) {
    String high = b.low() <= 0 ? "∞" : String.format(Locale.ROOT, "%.2f", a.high() / b.low());
    return String.format(
        Locale.ROOT, "%.2f (%.2f–%s)", a.score() / b.score(), a.low() / b.high(), high);
  }
}
