package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One router, signer and verifier shared by many threads give the answers one thread gets. */
class CdnConcurrencyTest {

  private static final int THREADS = 8;
  private static final int PATHS = 2_000;

  @Test
  void sharedRouterSignerAndVerifierAgreeWithASingleThread() throws Exception {
    List<URI> hosts =
        IntStream.range(0, 5)
            .mapToObj(i -> URI.create("https://cdn" + i + ".example.com"))
            .toList();
    CdnRouter router =
        CdnRouters.create(
            "cdn",
            CdnConfig.builder().defaultHosts(hosts).versioning(Versioning.fixed("1")).build());
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 3);
    HmacKey key = HmacKey.of("k", secret);
    HmacSigner signer = HmacSigner.of(key);
    HmacVerifier verifier = HmacVerifier.builder().key(key).build();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Grant grant = Grant.until(now.plusSeconds(600));
    List<String> expected =
        IntStream.range(0, PATHS)
            .mapToObj(i -> signer.sign(router.route("track/" + i + ".mp3").uri(), grant).toString())
            .toList();

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Callable<List<String>>> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        tasks.add(
            () -> {
              List<String> urls = new ArrayList<>(PATHS);
              for (int i = 0; i < PATHS; i++) {
                URI signed = signer.sign(router.route("track/" + i + ".mp3").uri(), grant);
                assertThat(verifier.verify(signed, now).isValid()).isTrue();
                urls.add(signed.toString());
              }
              return urls;
            });
      }
      for (Future<List<String>> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        assertThat(result.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
