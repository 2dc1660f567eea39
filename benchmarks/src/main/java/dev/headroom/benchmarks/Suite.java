package dev.headroom.benchmarks;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
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
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the suite with one profile and prints one table: scenario, impl, score, its error (JMH's
 * 99.9 % confidence interval), the runs behind it (forks × iterations), the ratio of each peer to
 * {@code headroom} in the same scenario (below 1.0 means Headroom is faster for throughput scores)
 * and the range that ratio can take within both errors, then the bytes allocated per operation
 * (JMH's GC profiler, {@code gc.alloc.rate.norm}, with its error), for Headroom and peers alike.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [quick|full] [include-regex]
 * </pre>
 *
 * <ul>
 *   <li>{@code quick} (default): 1 fork, 3 warm-up and 5 measured iterations of 1 s — the whole
 *       suite in minutes, for a ratio on a noisy machine.
 *   <li>{@code full}: the same iterations in 3 forks (fresh JVMs), so the error includes the
 *       fork-to-fork (JIT, layout) variation that one fork cannot show — for publishing; about
 *       three times the quick run.
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
            .addProfiler(GCProfiler.class)
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
              .warmupIterations(3)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(1));
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

  /** The GC profiler's allocation per operation, in bytes ({@code B/op}). */
  static final String ALLOC_NORM = "gc.alloc.rate.norm";

  /**
   * One line of the table: a scenario (benchmark method, parameters other than {@code impl}, and
   * threads), the impl, its score with error, unit and runs, and the bytes allocated per operation
   * with their error ({@code NaN} when the GC profiler did not run).
   */
  record Row(
      String scenario,
      String impl,
      double score,
      double error,
      String runs,
      String unit,
      double allocPerOp,
      double allocError) {}

  /** Renders results as a Markdown table; see {@link #render}. */
  static String table(Collection<RunResult> results) {
    return render(rows(results));
  }

  /** One {@link Row} per result, in run order. */
  static List<Row> rows(Collection<RunResult> results) {
    List<Row> rows = new ArrayList<>();
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
      Result<?> res = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get(ALLOC_NORM);
      rows.add(
          new Row(
              scenario,
              impl,
              res.getScore(),
              res.getScoreError(),
              runs(r),
              res.getScoreUnit(),
              alloc == null ? Double.NaN : alloc.getScore(),
              alloc == null ? Double.NaN : alloc.getScoreError()));
    }
    return rows;
  }

  /**
   * Renders rows as a Markdown table with each impl's ratio to headroom in its scenario. Each score
   * carries its error (JMH's 99.9 % confidence interval, half-width) and the number of measured
   * runs (forks × iterations); the ratio range divides the peer's interval bounds by Headroom's
   * ({@link #ratioRange}), so a reader sees how far the ratio can move within the error. The last
   * column is the allocation per operation ({@link #bytesPerOp}).
   */
  static String render(List<Row> rows) {
    Map<String, Map<String, Row>> byScenario = new LinkedHashMap<>();
    for (Row row : rows) {
      byScenario.computeIfAbsent(row.scenario(), k -> new LinkedHashMap<>()).put(row.impl(), row);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| scenario | impl | score | ± error (99.9 %) | runs | unit | peer / headroom | ratio range"
            + " | B/op |\n");
    sb.append("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, Row>> e : byScenario.entrySet()) {
      Row ours = e.getValue().get("headroom");
      for (Row res : e.getValue().values()) {
        String ratio = "";
        String range = "";
        if (res.impl().equals("headroom")) {
          ratio = "1.00";
        } else if (ours != null && ours.score() > 0) {
          ratio = ratio(res.score() / ours.score());
          range = ratioRange(res.score(), res.error(), ours.score(), ours.error());
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.1f | %s | %s | %s | %s | %s | %s |%n",
                e.getKey(),
                res.impl(),
                res.score(),
                Double.isNaN(res.error()) ? "n/a" : String.format(Locale.ROOT, "%.1f", res.error()),
                res.runs(),
                res.unit(),
                ratio,
                range,
                bytesPerOp(res.allocPerOp(), res.allocError())));
      }
    }
    return sb.toString();
  }

  /**
   * Bytes allocated per operation with their error, e.g. {@code 1234 ± 5}; one decimal below 10 B
   * ({@code 0.1 ± 0.0}), the bare value when the error is unknown (a single iteration), {@code n/a}
   * without a measurement.
   */
  static String bytesPerOp(double bytes, double error) {
    if (Double.isNaN(bytes)) {
      return "n/a";
    }
    String format = bytes < 10 ? "%.1f" : "%.0f";
    String value = String.format(Locale.ROOT, format, bytes);
    return Double.isNaN(error) ? value : value + " ± " + String.format(Locale.ROOT, format, error);
  }

  /**
   * The measured runs behind a score as {@code forks×iterations}, e.g. {@code 3×5}; forks that
   * measured a different number of iterations show as their sum.
   */
  static String runs(RunResult run) {
    List<Integer> perFork = new ArrayList<>();
    for (BenchmarkResult fork : run.getBenchmarkResults()) {
      perFork.add(fork.getIterationResults().size());
    }
    if (perFork.isEmpty()) {
      return "0";
    }
    boolean same = perFork.stream().allMatch(n -> n.equals(perFork.get(0)));
    return same
        ? perFork.size() + "×" + perFork.get(0)
        : String.valueOf(perFork.stream().mapToInt(Integer::intValue).sum());
  }

  /**
   * The range a peer / headroom ratio can take when each score may lie anywhere in its error
   * interval: {@code (peer − peerError) / (ours + oursError)} to {@code (peer + peerError) / (ours
   * − oursError)}, formatted {@code 0.80–1.25}. The low end is floored at 0; when Headroom's
   * interval reaches 0 the high end is unbounded ({@code 0.80–∞}); an unknown error (NaN, a single
   * iteration) gives {@code n/a}.
   */
  static String ratioRange(double peer, double peerError, double ours, double oursError) {
    if (Double.isNaN(peerError) || Double.isNaN(oursError) || ours <= 0) {
      return "n/a";
    }
    double low = Math.max(0, peer - peerError) / (ours + oursError);
    double oursLow = ours - oursError;
    String high = oursLow <= 0 ? "∞" : ratio((peer + peerError) / oursLow);
    return ratio(low) + "–" + high;
  }

  /**
   * A ratio with two decimals, or with two significant digits when it is above 0 and below 0.01
   * ({@code 0.000064}), so a peer thousands of times slower does not show as {@code 0.00}.
   */
  static String ratio(double value) {
    if (value > 0 && value < 0.01) {
      return BigDecimal.valueOf(value).round(new MathContext(2)).toPlainString();
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
