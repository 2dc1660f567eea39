package dev.headroom.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A same-JVM ratio that a loaded machine disturbs less than a JMH run: Headroom and one peer take
 * turns in short slices (100 ms each, the order flipped every round), and the median of the
 * per-round ratios is printed with its quartiles. Other processes that take the CPU for a while
 * slow both sides of a round alike. It complements JMH (warm-up, forks, {@code -prof gc}); it does
 * not replace it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.AlternatingRatio batcher 60
 * </pre>
 *
 * Scenarios: {@code batcher}, {@code signed}, {@code signedUri}, {@code versioned}, {@code many}
 * (the {@link CdnUrlBenchmark} methods), {@code rlhot} (one hot key, 2 threads; a third argument
 * names the two impls, default {@code headroom,resilience4j}).
 */
public final class AlternatingRatio {

  private static final long SLICE_NANOS = 100_000_000L;

  @SuppressWarnings("unused") // keeps results alive, as a JMH blackhole does
  private static volatile @Nullable Object sink;

  private AlternatingRatio() {}

  /** A named operation and how many benchmark operations one call performs. */
  private record Op(String impl, Supplier<Object> call, int perCall, int threads) {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    List<Op> ops = new ArrayList<>();
    switch (scenario) {
      case "batcher" -> {
        for (String impl : List.of("headroom", "dataloader")) {
          BatcherBenchmark b = new BatcherBenchmark();
          b.impl = impl;
          b.setUp();
          ops.add(new Op(impl, b::hundredKeys, 100, 1));
        }
      }
      case "signed", "signedUri", "versioned", "many" -> {
        for (String impl : List.of("headroom", "jdk")) {
          CdnUrlBenchmark b = new CdnUrlBenchmark();
          b.impl = impl;
          b.setUp();
          Supplier<Object> call =
              switch (scenario) {
                case "signed" -> b::routeSigned;
                case "signedUri" -> b::routeSignedUri;
                case "versioned" -> b::routeVersioned;
                default -> b::routeVersionedManyPaths;
              };
          ops.add(new Op(impl, call, 1, 1));
        }
      }
      case "rlhot" -> {
        String[] impls = (args.length > 2 ? args[2] : "headroom,resilience4j").split(",", -1);
        for (String impl : impls) {
          RateLimitLocalBenchmark b = new RateLimitLocalBenchmark();
          b.impl = impl;
          b.keys = "hot";
          b.setUp();
          RateLimitLocalBenchmark.Cursor cursor = new RateLimitLocalBenchmark.Cursor();
          ops.add(new Op(impl, () -> b.tryAcquire(cursor), 1, 2));
        }
      }
      default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "'");
    }
    double[][] rates = new double[ops.size()][rounds];
    for (int warm = 0; warm < 3; warm++) {
      for (Op op : ops) {
        rate(op, 3 * SLICE_NANOS);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < ops.size(); k++) {
        int i = r % 2 == 0 ? k : ops.size() - 1 - k;
        rates[i][r] = rate(ops.get(i), SLICE_NANOS);
      }
    }
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratios[r] = rates[0][r] / rates[1][r];
    }
    for (int i = 0; i < ops.size(); i++) {
      double[] sorted = rates[i].clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "%s %s median %.0f ops/s (p25 %.0f, p75 %.0f)%n",
          scenario,
          ops.get(i).impl(),
          sorted[rounds / 2],
          sorted[rounds / 4],
          sorted[3 * rounds / 4]);
    }
    Arrays.sort(ratios);
    System.out.printf(
        Locale.ROOT,
        "%s ratio %s/%s median %.2f (p25 %.2f, p75 %.2f) over %d rounds%n",
        scenario,
        ops.get(0).impl(),
        ops.get(1).impl(),
        ratios[rounds / 2],
        ratios[rounds / 4],
        ratios[3 * rounds / 4],
        rounds);
  }

  /** Operations per second of {@code op} over {@code nanos}, summed over its threads. */
  private static double rate(Op op, long nanos) throws InterruptedException {
    if (op.threads() == 1) {
      return loop(op, nanos);
    }
    double[] each = new double[op.threads()];
    Thread[] threads = new Thread[op.threads()];
    for (int t = 0; t < threads.length; t++) {
      int slot = t;
      threads[t] = new Thread(() -> each[slot] = loop(op, nanos));
      threads[t].start();
    }
    double sum = 0;
    for (int t = 0; t < threads.length; t++) {
      threads[t].join();
      sum += each[t];
    }
    return sum;
  }

  private static double loop(Op op, long nanos) {
    long start = System.nanoTime();
    long end = start + nanos;
    long calls = 0;
    long now;
    do {
      for (int i = 0; i < 64; i++) {
        sink = op.call().get();
      }
      calls += 64;
      now = System.nanoTime();
    } while (now < end);
    return (double) calls * op.perCall() * 1e9 / (now - start);
  }
}
