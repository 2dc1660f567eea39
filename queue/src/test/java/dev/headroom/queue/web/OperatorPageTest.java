package dev.headroom.queue.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.NonRetryableException;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduleInfo;
import dev.headroom.queue.WorkerPool;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The page as a route, on an in-memory queue: escaping, access, forgery, read-only mode. */
class OperatorPageTest {

  static final String HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
  static final JobType<String> TEXT = JobType.of("text", Codec.utf8());
  static final String HOST = "ops.example:8080";
  static final String ORIGIN = "http://" + HOST;

  private final JobQueue queue = JobQueues.inMemory("mail<b>", JobQueueConfig.ofDefaults());

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void hostileJobDataQueueNamesAndErrorsAreShownEscaped() {
    String deadId = killOne(HOSTILE);
    queue.enqueue(
        TEXT, HOSTILE, JobOptions.builder().jobId("id-" + HOSTILE.replace(" ", "_")).build());

    OperatorPage page = page(OperatorPageConfig.builder().actionsEnabled(true).build());

    String overview = get(page, "/", null).bodyText();
    String waiting =
        get(page, "/queue?name=" + enc(queue.name()) + "&state=WAITING", null).bodyText();
    String dead = get(page, "/queue?name=" + enc(queue.name()) + "&state=DEAD", null).bodyText();

    for (String html : List.of(overview, waiting, dead)) {
      assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>");
    }
    assertThat(overview).contains("mail&lt;b&gt;");
    assertThat(waiting)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img");
    assertThat(dead)
        .contains(Html.text(deadId))
        .contains("dev.headroom.queue.NonRetryableException</code>: " + Html.text(HOSTILE));
  }

  @Test
  void principalsAreEscapedToo() {
    OperatorPage page = page(OperatorPageConfig.ofDefaults());
    RouteResponse response =
        page.handle(
            RouteRequest.builder("GET", "/").contextPath("/queues").principal(HOSTILE).build());
    assertThat(response.bodyText()).doesNotContain("<script").contains("&lt;script&gt;");
  }

  @Test
  void everyResponseCarriesAContentSecurityPolicyThatAllowsOnlyItsOwnStyle() {
    OperatorPage page = page(OperatorPageConfig.ofDefaults());
    RouteResponse response = get(page, "/", null);
    String csp = response.header("Content-Security-Policy");
    assertThat(csp)
        .startsWith("default-src 'none'; style-src 'sha256-")
        .contains("frame-ancestors 'none'");
    assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.bodyText())
        .doesNotContain("<script")
        .doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(post(page, "", null, null, "action=pause").header("Content-Security-Policy"))
        .isEqualTo(csp);
  }

  @Test
  void readOnlyByDefault_noFormsAndEveryActionRefused() {
    OperatorPage page = page(OperatorPageConfig.ofDefaults());
    Session session = Session.open(page, queue.name());
    assertThat(session.html).contains("read-only").doesNotContain("<form");
    // a token from a page that does allow actions, so only the read-only rule can refuse it
    Session other =
        Session.open(
            page(OperatorPageConfig.builder().actionsEnabled(true).csrfSecret(SECRET).build()),
            queue.name());
    OperatorPage readOnly = page(OperatorPageConfig.builder().csrfSecret(SECRET).build());

    RouteResponse response = other.post(readOnly, "pause", "");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.bodyText()).contains("read-only");
    assertThat(queue.isPaused()).isFalse();
  }

  @Test
  void actionsEnabled_pauseAndResumeThroughTheForms() {
    OperatorPage page = page(OperatorPageConfig.builder().actionsEnabled(true).build());
    Session session = Session.open(page, queue.name());
    assertThat(session.html).contains("value=\"pause\"");

    RouteResponse paused = session.post(page, "pause", "");
    assertThat(paused.status()).isEqualTo(303);
    assertThat(paused.header("Location"))
        .isEqualTo("/queues/queue?name=" + enc(queue.name()) + "&state=WAITING&done=paused");
    assertThat(queue.isPaused()).isTrue();
    assertThat(session.get(page, "/queue?name=" + enc(queue.name()) + "&done=paused").bodyText())
        .contains("id=\"state\">paused")
        .contains("value=\"resume\"");

    assertThat(session.post(page, "resume", "").status()).isEqualTo(303);
    assertThat(queue.isPaused()).isFalse();
  }

  @Test
  void actionsEnabled_cancelReplayAndPurgeJobs() {
    OperatorPage page = page(OperatorPageConfig.builder().actionsEnabled(true).build());
    String waiting =
        queue.enqueue(TEXT, "later", JobOptions.builder().delay(Duration.ofHours(1)).build());
    String first = killOne("boom");
    String second = killOne("bang");
    Session session = Session.open(page, queue.name());

    assertThat(session.post(page, "cancel", waiting).header("Location")).endsWith("done=cancelled");
    assertThat(queue.job(waiting)).isEmpty();
    assertThat(session.post(page, "replay", first).header("Location")).endsWith("done=replayed");
    assertThat(queue.job(first).orElseThrow().state()).isEqualTo(JobState.WAITING);
    assertThat(session.post(page, "purge", second).header("Location")).endsWith("done=purged");
    assertThat(queue.deadLetters().count()).isZero();
    assertThat(session.post(page, "replay", "no-such-job").header("Location"))
        .endsWith("done=not-found");
  }

  @Test
  void aPostWithoutTheTokenOrFromAnotherOriginIsRefused() {
    OperatorPage page = page(OperatorPageConfig.builder().actionsEnabled(true).build());
    Session session = Session.open(page, queue.name());
    String form = "queue=" + enc(queue.name()) + "&action=pause";

    // no token at all, as a cross-site form would post
    assertThat(post(page, session.cookie, ORIGIN, null, form).status()).isEqualTo(403);
    // the browser's cookie with a token that is not its MAC
    assertThat(
            post(page, session.cookie, ORIGIN, null, form + "&csrf=" + "A".repeat(43)).bodyText())
        .contains("invalid anti-forgery token");
    // a token without its cookie (another browser's, or an attacker's own)
    assertThat(post(page, null, ORIGIN, null, form + "&csrf=" + session.token).status())
        .isEqualTo(403);
    // a valid cookie and token, but posted from another origin
    assertThat(
            post(
                    page,
                    session.cookie,
                    "https://evil.example",
                    null,
                    form + "&csrf=" + session.token)
                .bodyText())
        .contains("cross-origin");
    // neither Origin nor Referer
    assertThat(post(page, session.cookie, null, null, form + "&csrf=" + session.token).bodyText())
        .contains("cross-origin");
    // a Referer from another site
    assertThat(
            post(
                    page,
                    session.cookie,
                    null,
                    "https://evil.example/x",
                    form + "&csrf=" + session.token)
                .status())
        .isEqualTo(403);
    // a GET never acts
    assertThat(get(page, "/action?" + form + "&csrf=" + session.token, session.cookie).status())
        .isEqualTo(405);
    assertThat(queue.isPaused()).isFalse();

    // the same post, same-origin by Referer, passes
    assertThat(
            post(
                    page,
                    session.cookie,
                    null,
                    ORIGIN + "/queues/queue",
                    form + "&csrf=" + session.token)
                .status())
        .isEqualTo(303);
    assertThat(queue.isPaused()).isTrue();
  }

  @Test
  void anAllowedOriginMayPost() {
    OperatorPage page =
        page(
            OperatorPageConfig.builder()
                .actionsEnabled(true)
                .allowOrigin("https://Ops.Example.com")
                .build());
    Session session = Session.open(page, queue.name());
    String form = "queue=" + enc(queue.name()) + "&action=pause&csrf=" + session.token;
    assertThat(post(page, session.cookie, "https://ops.example.com", null, form).status())
        .isEqualTo(303);
    assertThat(queue.isPaused()).isTrue();
  }

  @Test
  void theTokenCookieIsHttpOnlyStrictAndScopedToThePage() {
    OperatorPage page = page(OperatorPageConfig.builder().actionsEnabled(true).build());
    RouteResponse response = get(page, "/", null);
    assertThat(response.header("Set-Cookie"))
        .matches("headroom_csrf=[A-Za-z0-9_-]{43}; Path=/queues; HttpOnly; SameSite=Strict");
    RouteResponse secure =
        page.handle(RouteRequest.builder("GET", "/").contextPath("/queues").secure(true).build());
    assertThat(secure.header("Set-Cookie")).endsWith("; Secure");
  }

  @Test
  void readAccessAndActAccessAreCheckedApart() {
    OperatorPage page =
        page(
            OperatorPageConfig.builder()
                .actionsEnabled(true)
                .readAccess(r -> r.principal().isPresent())
                .actAccess(AccessCheck.principalIn("ops"))
                .build());
    assertThat(get(page, "/", null).status()).isEqualTo(403);
    assertThat(get(page, "/api/queues", null).status()).isEqualTo(403);

    Session viewer = Session.open(page, queue.name(), "viewer");
    assertThat(viewer.html).doesNotContain("<form");
    Session ops = Session.open(page, queue.name(), "ops");
    // the viewer posts a well-formed form (ops' cookie and token): only the act check refuses it
    Session forging = new Session(ops.cookie, ops.token, viewer.html, "viewer");
    RouteResponse refused = forging.post(page, "pause", "");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.bodyText()).isEqualTo("forbidden\n");
    assertThat(queue.isPaused()).isFalse();

    assertThat(ops.html).contains("value=\"pause\"");
    assertThat(ops.post(page, "pause", "").status()).isEqualTo(303);
    assertThat(queue.isPaused()).isTrue();
  }

  @Test
  void aFailingAccessCheckRefuses() {
    OperatorPage page =
        page(
            OperatorPageConfig.builder()
                .readAccess(
                    r -> {
                      throw new IllegalStateException("directory down");
                    })
                .build());
    assertThat(get(page, "/", null).status()).isEqualTo(403);
  }

  @Test
  void countsThroughputAndJobsAsJson() {
    killOne("boom");
    queue.enqueue(TEXT, HOSTILE);
    OperatorPage page = page(OperatorPageConfig.ofDefaults());

    String queues = get(page, "/api/queues", null).bodyText();
    assertThat(queues)
        .startsWith("{\"queues\":[{\"name\":\"mail<b>\"")
        .contains("\"waiting\":1")
        .contains("\"dead\":1")
        .contains("\"deadLastMinute\":1");
    RouteResponse jobs = get(page, "/api/jobs?queue=" + enc(queue.name()) + "&state=WAITING", null);
    assertThat(jobs.header("Content-Type")).startsWith("application/json");
    assertThat(jobs.bodyText())
        .contains("\"payload\":\"<script>alert('x')")
        .contains("\"hasMore\":false");
  }

  @Test
  void pagesJobsAPageAtATime() {
    for (int i = 0; i < 5; i++) {
      queue.enqueue(TEXT, "job " + i);
    }
    OperatorPage page = page(OperatorPageConfig.builder().pageSize(2).build());
    String first =
        get(page, "/queue?name=" + enc(queue.name()) + "&state=WAITING", null).bodyText();
    assertThat(first)
        .contains("job 0")
        .contains("job 1")
        .doesNotContain("job 2")
        .contains("offset=2");
    String last =
        get(page, "/queue?name=" + enc(queue.name()) + "&state=WAITING&offset=4", null).bodyText();
    assertThat(last)
        .contains("job 4")
        .doesNotContain("job 3")
        .doesNotContain("id=\"next\"")
        .contains("offset=2");
  }

  @Test
  void theQueuesSchedulesAreShownWithTheirNextAndLastTicks() {
    OperatorPage page = page(OperatorPageConfig.ofDefaults());
    assertThat(get(page, "/queue?name=" + enc(queue.name()), null).bodyText())
        .doesNotContain("Schedules");

    queue
        .schedules()
        .upsert(
            Schedule.builder("hourly-rollup", TEXT, HOSTILE).every(Duration.ofHours(1)).build());
    ScheduleInfo info = queue.schedules().get("hourly-rollup").orElseThrow();

    String html = get(page, "/queue?name=" + enc(queue.name()), null).bodyText();
    assertThat(html)
        .contains("Schedules")
        .contains("hourly-rollup")
        .contains(Html.text(info.timing()))
        .contains(info.nextTick().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  @Test
  void unknownQueuesPathsAndMethodsAreAnswered() {
    OperatorPage page = page(OperatorPageConfig.ofDefaults());
    assertThat(get(page, "/queue?name=nope", null).status()).isEqualTo(404);
    assertThat(get(page, "/nope", null).status()).isEqualTo(404);
    assertThat(page.handle(RouteRequest.builder("DELETE", "/").build()).status()).isEqualTo(405);
  }

  @Test
  void configIsValidatedWithFieldValueAndRule() {
    assertThatThrownBy(() -> OperatorPageConfig.builder().pageSize(0).build())
        .hasMessageContaining("pageSize")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> OperatorPageConfig.builder().csrfSecret("short"))
        .hasMessageContaining("csrfSecret")
        .hasMessageContaining("at least 32");
    assertThatThrownBy(() -> OperatorPageConfig.builder().allowOrigin("https://x.example/path"))
        .hasMessageContaining("allowedOrigins")
        .hasMessageContaining("no path");
    OperatorPageConfig config =
        OperatorPageConfig.builder().actionsEnabled(true).pageSize(7).build();
    assertThat(config.toBuilder().build().pageSize()).isEqualTo(7);
    assertThat(config.toBuilder().build().actionsEnabled()).isTrue();
    assertThat(OperatorPageConfig.ofDefaults().actionsEnabled()).isFalse();
  }

  // ---- supporting methods ----

  static final String SECRET = "a-secret-of-at-least-thirty-two-characters";

  private OperatorPage page(OperatorPageConfig config) {
    return OperatorPage.of(List.of(queue), config);
  }

  private String killOne(String message) {
    String id = queue.enqueue(TEXT, "doomed " + message);
    long before = queue.deadLetters().count();
    WorkerPool workers = queue.workers().handle(TEXT, job -> failWith(message)).start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().count() > before);
    } finally {
      workers.shutdown(Duration.ofSeconds(5));
    }
    return id;
  }

  private static void failWith(String message) {
    throw new NonRetryableException(message);
  }

  static String enc(String s) {
    return Html.param(s);
  }

  static RouteResponse get(OperatorPage page, String pathAndQuery, String cookie) {
    return request(page, "GET", pathAndQuery, cookie, null, null, null, null);
  }

  static RouteResponse post(
      OperatorPage page, String cookie, String origin, String referer, String form) {
    return request(page, "POST", "/action", cookie, origin, referer, form, null);
  }

  static RouteResponse request(
      OperatorPage page,
      String method,
      String pathAndQuery,
      String cookie,
      String origin,
      String referer,
      String form,
      String principal) {
    int q = pathAndQuery.indexOf('?');
    RouteRequest.Builder b =
        RouteRequest.builder(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
            .contextPath("/queues")
            .rawQuery(q < 0 ? null : pathAndQuery.substring(q + 1))
            .header("Host", HOST)
            .principal(principal);
    if (cookie != null) b.header("Cookie", "other=1; " + cookie);
    if (origin != null) b.header("Origin", origin);
    if (referer != null) b.header("Referer", referer);
    if (form != null) b.form(form);
    return page.handle(b.build());
  }

  /** A browser: the cookie the page set and the token of its forms. */
  record Session(String cookie, String token, String html, String principal) {

    static Session open(OperatorPage page, String queue) {
      return open(page, queue, null);
    }

    static Session open(OperatorPage page, String queue, String principal) {
      RouteResponse first = request(page, "GET", "/", null, null, null, null, principal);
      String setCookie = Optional.ofNullable(first.header("Set-Cookie")).orElseThrow();
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      RouteResponse html =
          request(page, "GET", "/queue?name=" + enc(queue), cookie, null, null, null, principal);
      Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html.bodyText());
      // a read-only page has no forms: derive what a form would carry from the cookie alone
      String token = m.find() ? m.group(1) : "";
      return new Session(cookie, token, html.bodyText(), principal);
    }

    RouteResponse get(OperatorPage page, String pathAndQuery) {
      return request(page, "GET", pathAndQuery, cookie, null, null, null, principal);
    }

    RouteResponse post(OperatorPage page, String action, String job) {
      String queueName = Html.param(extractQueue());
      return request(
          page,
          "POST",
          "/action",
          cookie,
          ORIGIN,
          null,
          "csrf="
              + token
              + "&queue="
              + queueName
              + "&state=WAITING&action="
              + action
              + "&job="
              + Html.param(job),
          principal);
    }

    private String extractQueue() {
      Matcher m = Pattern.compile("id=\"queue-name\">([^<]*)<").matcher(html);
      if (!m.find()) throw new IllegalStateException("no queue name on the page");
      return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
  }
}
