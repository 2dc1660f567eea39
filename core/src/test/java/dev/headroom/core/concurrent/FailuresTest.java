package dev.headroom.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  private final IOException cause = new IOException("down");

  @Test
  void unwrapsCompletionAndExecutionExceptionsAtAnyDepth() {
    assertThat(Failures.unwrap(new CompletionException(cause))).isSameAs(cause);
    assertThat(Failures.unwrap(new ExecutionException(cause))).isSameAs(cause);
    assertThat(
            Failures.unwrap(
                new CompletionException(new ExecutionException(new CompletionException(cause)))))
        .isSameAs(cause);
  }

  @Test
  void unwrapsWhatAFailedFutureThrows() {
    CompletableFuture<String> failed = CompletableFuture.failedFuture(cause);
    Throwable thrown = failed.thenApply(s -> s + "!").handle((v, e) -> e).join();
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(Failures.unwrap(thrown)).isSameAs(cause);
  }

  @Test
  void leavesOtherFailuresAndCauselessWrappersAlone() {
    RuntimeException wrapped = new RuntimeException(cause);
    assertThat(Failures.unwrap(wrapped)).isSameAs(wrapped);
    assertThat(Failures.unwrap(cause)).isSameAs(cause);
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(Failures.unwrap(empty)).isSameAs(empty);
    CompletionException onWrapper = new CompletionException(wrapped);
    assertThat(Failures.unwrap(onWrapper)).isSameAs(wrapped);
  }
}
