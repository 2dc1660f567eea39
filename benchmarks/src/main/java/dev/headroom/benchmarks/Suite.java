package dev.headroom.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the suite with one profile and prints one table: scenario, impl, score, error, and the ratio
 * of each peer to {@code headroom} in the same scenario (above 1.0 means Headroom is faster for
 * throughput scores).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [quick|full] [include-regex]
 * </pre>
 *
 * <ul>
 *   <li>{@code quick} (default): 1 fork, 3 warm-up and 5 measured iterations of 1 s — the whole
 *       suite in minutes, for a ratio on a noisy machine.
 *   <li>{@code full}: 3 forks, 5 warm-up and 10 measured iterations of 2 s — for publishing.
 * </ul>
 *
 * The JMH JSON goes to {@code benchmarks/target/jmh-result.json} (or {@code -Dheadroom.jmh.out=…})
 * and the table also to {@code jmh-table.md} beside it.
 */
public final class Suite {

  private static final int QUEUE_PEER_JOBS = 20_000;
  private static final int QUEUE_PEER_CONCURRENCY = 50;
  private static final int QUEUE_PEER_ROUNDS = 3;

  private Suite() {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] args) throws RunnerException, IOException {
    String profile = args.length > 0 ? args[0] : "quick";
    String include = args.length > 1 ? args[1] : ".*Benchmark.*";
    Path json =
        Path.of(System.getProperty("headroom.jmh.out", "benchmarks/target/jmh-result.json"));
    if (json.getParent() != null) {
      Files.createDirectories(json.getParent());
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(include)
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            .shouldFailOnError(true);
    switch (profile) {
      case "quick" ->
          options
              .forks(1)
              .warmupIterations(3)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(1));
      case "full" ->
          options
              .forks(3)
              .warmupIterations(5)
              .warmupTime(TimeValue.seconds(2))
              .measurementIterations(10)
              .measurementTime(TimeValue.seconds(2));
      default ->
          throw new IllegalArgumentException(
              "profile must be 'quick' or 'full', was '" + profile + "'");
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    String table = table(results);
    System.out.println();
    System.out.println(table);
    Path md = json.resolveSibling("jmh-table.md");
    if (Boolean.parseBoolean(System.getProperty("headroom.peers", "true"))
        && Pattern.compile(include).matcher("dev.headroom.benchmarks.QueueRedisBenchmark").find()) {
      table += System.lineSeparator() + queuePeers();
    }
    Files.writeString(md, table);
    System.out.println("JMH JSON: " + json + "   table: " + md);
  }

  /**
   * The queue on Redis against BullMQ, which runs outside the JVM: both add 20 000 jobs in bulk and
   * process them at concurrency 50, median of three rounds, one after the other on the same Redis;
   * the last column is BullMQ's processing rate over Headroom's.
   */
  static String queuePeers() throws IOException {
    try {
      Optional<QueueRates> bullmq =
          BullMqPeer.run(QUEUE_PEER_JOBS, QUEUE_PEER_CONCURRENCY, QUEUE_PEER_ROUNDS);
      if (bullmq.isEmpty()) {
        return "";
      }
      QueueRates ours =
          QueueThroughput.measure(QUEUE_PEER_JOBS, QUEUE_PEER_CONCURRENCY, QUEUE_PEER_ROUNDS);
      String rows =
          "| queue on Redis, "
              + QUEUE_PEER_JOBS
              + " jobs, concurrency "
              + QUEUE_PEER_CONCURRENCY
              + " | add jobs/s | process jobs/s | peer / headroom (process) |\n|---|---:|---:|---:|\n"
              + String.format(
                  Locale.ROOT, "| headroom | %.0f | %.0f | 1.00 |%n", ours.add(), ours.process())
              + String.format(
                  Locale.ROOT,
                  "| bullmq | %.0f | %.0f | %.2f |%n",
                  bullmq.get().add(),
                  bullmq.get().process(),
                  bullmq.get().process() / ours.process());
      System.out.println(rows);
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Renders results as a Markdown table with each impl's ratio to headroom in its scenario. */
  static String table(Collection<RunResult> results) {
    Map<String, Map<String, Result<?>>> byScenario = new LinkedHashMap<>();
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
      List<String> otherParams = new ArrayList<>();
      String impl = "-";
      for (String key : r.getParams().getParamsKeys()) {
        if (key.equals("impl")) {
          impl = r.getParams().getParam(key);
        } else {
          otherParams.add(key + "=" + r.getParams().getParam(key));
        }
      }
      String scenario =
          shortName
              + (otherParams.isEmpty() ? "" : " " + String.join(",", otherParams))
              + " ("
              + r.getParams().getThreads()
              + "t)";
      byScenario
          .computeIfAbsent(scenario, k -> new LinkedHashMap<>())
          .put(impl, r.getPrimaryResult());
    }
    StringBuilder sb = new StringBuilder();
    sb.append("| scenario | impl | score | error | unit | peer / headroom |\n");
    sb.append("|---|---|---:|---:|---|---:|\n");
    for (Map.Entry<String, Map<String, Result<?>>> e : byScenario.entrySet()) {
      Result<?> ours = e.getValue().get("headroom");
      for (Map.Entry<String, Result<?>> impl : e.getValue().entrySet()) {
        Result<?> res = impl.getValue();
        String ratio = "";
        if (ours != null && !impl.getKey().equals("headroom") && ours.getScore() > 0) {
          ratio = String.format(Locale.ROOT, "%.2f", res.getScore() / ours.getScore());
        } else if (impl.getKey().equals("headroom")) {
          ratio = "1.00";
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.1f | %.1f | %s | %s |%n",
                e.getKey(),
                impl.getKey(),
                res.getScore(),
                res.getScoreError(),
                res.getScoreUnit(),
                ratio));
      }
    }
    return sb.toString();
  }
}
