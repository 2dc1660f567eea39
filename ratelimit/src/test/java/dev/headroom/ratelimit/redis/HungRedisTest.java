package dev.headroom.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.FailureMode;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis that accepts connections and never answers (a hung server, a black-holing proxy): the
 * connector's first connection then hangs for its connect and command timeouts, here a minute, and
 * no limiter call may wait for that longer than the limiter's own Redis timeout.
 */
class HungRedisTest {

  @Test
  @Timeout(30) // the hung connection takes a minute: a call that waits for it fails here
  void aNewConnectorFacingAHungRedisNeverHoldsACallPastTheLimitersTimeout() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept()); // and never answer
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              },
              "hung-redis");
      acceptor.setDaemon(true);
      acceptor.start();
      RedisConnector connector =
          RedisConnector.create(
              "redis://127.0.0.1:" + server.getLocalPort(),
              RedisConnectorOptions.builder()
                  .commandTimeout(Duration.ofMinutes(1))
                  .connectTimeout(Duration.ofMinutes(1))
                  .build());
      try {
        RateLimiter limiter =
            RateLimiters.redis(
                connector,
                "hung",
                RateLimiterConfig.builder()
                    .limit(5, Duration.ofMinutes(1))
                    .failureMode(FailureMode.FAIL_OPEN)
                    .redisTimeout(Duration.ofMillis(300))
                    .build());
        CompletableFuture<Decision> async = limiter.tryAcquireAsync("k", 1);
        assertThat(async).as("returned before Redis could answer").isNotDone();
        assertThat(async.join().source()).isEqualTo(DecisionSource.FAIL_OPEN);
        // the connection attempt still hangs; each call waits its own timeout, not for it
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.FAIL_OPEN);
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.FAIL_OPEN);
        limiter.close();
      } finally {
        for (Socket s : accepted) {
          s.close();
        }
        connector.close();
      }
    }
  }
}
