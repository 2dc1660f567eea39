package dev.headroom.queue.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.NonRetryableException;
import dev.headroom.queue.WorkerPool;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page over a queue on Redis: what it shows and does is what every process of the queue sees (a
 * second connector stands for another process).
 */
@ExtendWith(RedisExtension.class)
class RedisOperatorPageTest {

  static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  private RedisConnector connector;
  private RedisConnector otherProcess;
  private JobQueue queue;
  private JobQueue seenElsewhere;

  @BeforeEach
  void start(TestRedis redis) {
    JobQueueConfig config =
        JobQueueConfig.builder().keySpace(KeySpace.of(redis.keyPrefix(), "q")).build();
    connector = RedisConnector.create(redis.uri());
    otherProcess = RedisConnector.create(redis.uri());
    queue = JobQueues.redis(connector, "emails", config);
    seenElsewhere = JobQueues.redis(otherProcess, "emails", config);
  }

  @AfterEach
  void stop() {
    queue.close();
    seenElsewhere.close();
    connector.close();
    otherProcess.close();
  }

  @Test
  void countsPauseAndReplayReachEveryProcessOfTheQueue() {
    String deadId = queue.enqueue(TEXT, "<b>doomed</b>");
    WorkerPool workers =
        queue.workers().handle(TEXT, job -> failWith("<i>no such mailbox</i>")).start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().count() == 1);
    } finally {
      workers.shutdown(Duration.ofSeconds(5));
    }
    seenElsewhere.enqueue(TEXT, "waiting");
    OperatorPage page =
        OperatorPage.of(List.of(queue), OperatorPageConfig.builder().actionsEnabled(true).build());

    String overview = get(page, "/", null).bodyText();
    assertThat(overview).contains("<td class=\"n\">1</td><td class=\"n\">0</td>");
    RouteResponse first = get(page, "/queue?name=emails&state=DEAD", null);
    String cookie =
        first.header("Set-Cookie").substring(0, first.header("Set-Cookie").indexOf(';'));
    String html = get(page, "/queue?name=emails&state=DEAD", cookie).bodyText();
    assertThat(html)
        .contains("&lt;i&gt;no such mailbox&lt;/i&gt;")
        .contains("&lt;b&gt;doomed&lt;/b&gt;")
        .doesNotContain("<i>")
        .doesNotContain("<b>");
    Matcher token = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertThat(token.find()).isTrue();

    assertThat(post(page, cookie, "csrf=" + token.group(1) + "&queue=emails&action=pause").status())
        .isEqualTo(303);
    assertThat(seenElsewhere.isPaused()).isTrue();
    assertThat(
            post(page, cookie, "csrf=" + token.group(1) + "&queue=emails&action=resume").status())
        .isEqualTo(303);
    assertThat(seenElsewhere.isPaused()).isFalse();
    assertThat(
            post(
                    page,
                    cookie,
                    "csrf=" + token.group(1) + "&queue=emails&action=replay&job=" + deadId)
                .header("Location"))
        .endsWith("done=replayed");
    assertThat(seenElsewhere.job(deadId).orElseThrow().state()).isEqualTo(JobState.WAITING);
  }

  private static void failWith(String message) {
    throw new NonRetryableException(message);
  }

  private static RouteResponse get(OperatorPage page, String pathAndQuery, String cookie) {
    int q = pathAndQuery.indexOf('?');
    RouteRequest.Builder b =
        RouteRequest.builder("GET", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
            .contextPath("/queues")
            .rawQuery(q < 0 ? null : pathAndQuery.substring(q + 1))
            .header("Host", "localhost:9000");
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return page.handle(b.build());
  }

  private static RouteResponse post(OperatorPage page, String cookie, String form) {
    return page.handle(
        RouteRequest.builder("POST", "/action")
            .contextPath("/queues")
            .header("Host", "localhost:9000")
            .header("Origin", "http://localhost:9000")
            .header("Cookie", cookie)
            .form(form)
            .build());
  }
}
