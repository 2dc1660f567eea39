package dev.headroom.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The generation scheme on its own, with generation keys in a map instead of Redis. */
class GenerationsTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final Map<String, String> redis = new HashMap<>();
  private final List<List<String>> fetches = new ArrayList<>();

  /** When set, the next fetch answers only once this completes. */
  private @Nullable CompletableFuture<Void> hold;

  private final Generations generations =
      new Generations(
          "app:users:v:",
          "app:{users}:",
          2,
          time,
          keys -> {
            fetches.add(List.copyOf(keys));
            List<@Nullable String> values = new ArrayList<>();
            keys.forEach(k -> values.add(redis.getOrDefault(k, "0")));
            CompletableFuture<Void> h = hold;
            hold = null;
            return h == null ? CompletableFuture.completedFuture(values) : h.thenApply(x -> values);
          });

  @Test
  void keysNameTheGenerationOfTheCacheAndOfEachLeadingSegmentInBase36() {
    redis.put("app:{users}:gen:", "35");
    redis.put("app:{users}:gen:user:", "36");
    assertThat(generations.valueKeys(List.of("user:42:name", "plain")).join())
        .containsExactly("app:users:v:z.10.0:user:42:name", "app:users:v:z:plain");
    assertThat(generations.generationKey("user:")).isEqualTo("app:{users}:gen:user:");
    assertThat(generations.counterKey()).isEqualTo("app:{users}:genseq");
  }

  @Test
  void unknownGenerationsAreFetchedOnceInOneCallAndThenKnown() {
    assertThat(generations.valueKeyIfKnown("a:b")).isNull();
    generations.valueKeys(List.of("a:1", "a:2", "b")).join();
    assertThat(fetches).containsExactly(List.of("app:{users}:gen:", "app:{users}:gen:a:"));
    assertThat(generations.valueKeyIfKnown("a:3")).isEqualTo("app:users:v:0.0:a:3");
    generations.valueKeys(List.of("a:4")).join();
    assertThat(fetches).hasSize(1);
  }

  @Test
  void knownGenerationsAreForgottenAfterAMinute() {
    generations.valueKeys(List.of("k")).join();
    time.advance(Duration.ofSeconds(61));
    assertThat(generations.valueKeyIfKnown("k")).isNull();
  }

  @Test
  void aFetchThatRacedWithAForgetDoesNotInstallTheOldGeneration() {
    redis.put("app:{users}:gen:", "1");
    CompletableFuture<Void> answer = new CompletableFuture<>();
    hold = answer;
    CompletableFuture<List<String>> pending = generations.valueKeys(List.of("k"));
    generations.forget("");
    answer.complete(null);
    assertThat(pending.join()).containsExactly("app:users:v:1:k");
    assertThat(generations.known("")).as("the raced fetch is used once, never remembered").isNull();
  }

  @Test
  void aBumpReplyIsInstalledUnlessAnotherBumpWasLearnedSince() {
    long epoch = generations.forget("user:");
    generations.bumped("user:", epoch, 7);
    assertThat(generations.known("user:")).isEqualTo(7L);
    long mine = generations.forget("user:");
    generations.forget("user:");
    generations.bumped("user:", mine, 8);
    assertThat(generations.known("user:")).isNull();
  }

  @Test
  void forgetAllForgetsEveryPrefix() {
    generations.valueKeys(List.of("a:1", "b:1")).join();
    generations.forgetAll();
    assertThat(generations.known("")).isNull();
    assertThat(generations.known("a:")).isNull();
  }
}
