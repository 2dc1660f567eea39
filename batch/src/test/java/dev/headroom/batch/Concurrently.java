package dev.headroom.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Runs a body on many threads released at the same instant, and waits for all of them. */
final class Concurrently {

  private Concurrently() {}

  /**
   * Runs {@code body.accept(threadIndex)} on {@code threads} threads at once; rethrows the first
   * failure.
   */
  static void run(int threads, IntConsumer body) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int index = t;
        done.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted before the start", e);
                  }
                  body.accept(index);
                },
                pool));
      }
      start.countDown();
      CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).join();
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the threads did not stop");
      }
    }
  }
}
