package dev.headroom.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A same-JVM ratio that a loaded machine disturbs less than a JMH run: Headroom and one peer take
 * turns in short slices (100 ms each, the order flipped every round), and the median of the
 * per-round ratios is printed with its quartiles. Other processes that take the CPU for a while
 * slow both sides of a round alike. It complements JMH (warm-up, forks, {@code -prof gc}); it does
 * not replace it. It also prints the process CPU time per operation of each side (all threads of
 * this JVM, Lettuce's I/O threads and GC included, the Redis server not), which a busy machine
 * disturbs far less than throughput when an operation mostly waits for Redis.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.AlternatingRatio batcher 60
 * </pre>
 *
 * Scenarios: {@code batcher}, {@code signed}, {@code signedUri}, {@code versioned}, {@code many}
 * (the {@link CdnUrlBenchmark} methods), {@code rlhot} (one hot key, 2 threads; a third argument
 * names the two impls, default {@code headroom,resilience4j}), {@code rlredis} ({@link
 * RateLimitRedisBenchmark}, 8 threads; a third argument names the impls, default {@code
 * headroom,script}), {@code getall} ({@link CacheGetAllBenchmark}, 4 threads, against raw Lettuce),
 * {@code l1hit} ({@link CacheL1HitBenchmark}, 2 threads, against Caffeine; a third argument names
 * the two impls, e.g. {@code headroom,caffeine-entry}) and {@code qmem} ({@link
 * QueueMemoryBenchmark}, against the hand-written executor).
 */
public final class AlternatingRatio {

  private static final long SLICE_NANOS = 100_000_000L;

  @SuppressWarnings("unused") // keeps results alive, as a JMH blackhole does
  private static volatile @Nullable Object sink;

  /** Operations completed by every loop so far (for CPU time per operation). */
  private static final AtomicLong DONE = new AtomicLong();

  private AlternatingRatio() {}

  /** A named operation and how many benchmark operations one call performs. */
  private record Op(String impl, Supplier<Object> call, int perCall, int threads) {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    List<Op> ops = new ArrayList<>();
    List<AutoCloseable> closers = new ArrayList<>();
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
      case "rlredis" -> {
        String[] impls = (args.length > 2 ? args[2] : "headroom,script").split(",", -1);
        for (String impl : impls) {
          RateLimitRedisBenchmark b = new RateLimitRedisBenchmark();
          b.impl = impl;
          b.setUp();
          closers.add(b::tearDown);
          ThreadLocal<RateLimitRedisBenchmark.Cursor> cursor =
              ThreadLocal.withInitial(RateLimitRedisBenchmark.Cursor::new);
          ops.add(
              new Op(
                  impl,
                  () -> {
                    try {
                      return b.decide(cursor.get());
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  1,
                  8));
        }
      }
      case "getall" -> {
        for (String impl : List.of("headroom", "lettuce")) {
          CacheGetAllBenchmark b = new CacheGetAllBenchmark();
          b.impl = impl;
          b.setUp();
          closers.add(b::tearDown);
          ThreadLocal<CacheGetAllBenchmark.Cursor> cursor =
              ThreadLocal.withInitial(CacheGetAllBenchmark.Cursor::new);
          ops.add(
              new Op(
                  impl,
                  () -> {
                    try {
                      return b.getAll(cursor.get());
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  1,
                  4));
        }
      }
      case "l1hit" -> {
        String[] impls = (args.length > 2 ? args[2] : "headroom,caffeine").split(",", -1);
        for (String impl : impls) {
          CacheL1HitBenchmark b = new CacheL1HitBenchmark();
          b.impl = impl;
          b.setUp();
          closers.add(b::tearDown);
          ThreadLocal<CacheL1HitBenchmark.Cursor> cursor =
              ThreadLocal.withInitial(CacheL1HitBenchmark.Cursor::new);
          ops.add(new Op(impl, () -> b.get(cursor.get()), 1, 2));
        }
      }
      case "qmem" -> {
        for (String impl : List.of("headroom", "executor")) {
          QueueMemoryBenchmark b = new QueueMemoryBenchmark();
          b.impl = impl;
          b.setUp();
          closers.add(b::tearDown);
          ops.add(
              new Op(
                  impl,
                  () -> {
                    try {
                      b.enqueueAndRun();
                      return b;
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  1000,
                  1));
        }
      }
      default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "'");
    }
    double[][] rates = new double[ops.size()][rounds];
    double[][] cpu = new double[ops.size()][rounds];
    long[] cpuTotal = new long[ops.size()];
    long[] opsTotal = new long[ops.size()];
    for (int warm = 0; warm < 3; warm++) {
      for (Op op : ops) {
        rate(op, 3 * SLICE_NANOS);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < ops.size(); k++) {
        int i = r % 2 == 0 ? k : ops.size() - 1 - k;
        long cpuBefore = processCpuNanos();
        long opsBefore = DONE.get();
        rates[i][r] = rate(ops.get(i), SLICE_NANOS);
        long cpuUsed = processCpuNanos() - cpuBefore;
        long opsDone = DONE.get() - opsBefore;
        cpu[i][r] = (double) cpuUsed / Math.max(1, opsDone);
        cpuTotal[i] += cpuUsed;
        opsTotal[i] += opsDone;
      }
    }
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratios[r] = rates[0][r] / rates[1][r];
    }
    double[] cpuRatios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      cpuRatios[r] = cpu[1][r] / cpu[0][r];
    }
    for (int i = 0; i < ops.size(); i++) {
      double[] sortedCpu = cpu[i].clone();
      Arrays.sort(sortedCpu);
      // The process CPU clock may tick coarsely (10 ms): the total over all rounds is the finer
      // one.
      System.out.printf(
          Locale.ROOT,
          "%s %s %.0f ns CPU per operation over all rounds (per round: median %.0f, p25 %.0f, p75"
              + " %.0f)%n",
          scenario,
          ops.get(i).impl(),
          (double) cpuTotal[i] / Math.max(1, opsTotal[i]),
          sortedCpu[rounds / 2],
          sortedCpu[rounds / 4],
          sortedCpu[3 * rounds / 4]);
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
    Arrays.sort(cpuRatios);
    System.out.printf(
        Locale.ROOT,
        "%s CPU ratio %s/%s (peer's CPU per operation over ours) median %.2f (p25 %.2f, p75 %.2f)%n",
        scenario,
        ops.get(0).impl(),
        ops.get(1).impl(),
        cpuRatios[rounds / 2],
        cpuRatios[rounds / 4],
        cpuRatios[3 * rounds / 4]);
    for (AutoCloseable c : closers) {
      c.close();
    }
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

  /** This JVM's CPU time so far, every thread. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
    DONE.addAndGet(calls * op.perCall());
    return (double) calls * op.perCall() * 1e9 / (now - start);
  }
}
