package dev.headroom.queue.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.ScheduleInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's page of a set of job queues, as a core {@link Route}: mount it on {@code
 * MonitoringServer} ({@code .route("/queues", page)}) or any server with a route adapter.
 *
 * <p>It serves, below its mount point:
 *
 * <ul>
 *   <li>{@code GET /}: every queue with its counts (waiting, delayed, running, completed, dead),
 *       paused or not, and its throughput (jobs completed and dead-lettered in the last minute);
 *   <li>{@code GET /queue?name=..&state=..&offset=..}: one queue, its recurring schedules with
 *       their next and last ticks ({@link JobQueue#schedules()}) and its jobs of one state, a page
 *       at a time, with their last errors;
 *   <li>{@code GET /api/queues} ({@code {"queues":[{"name":..,"paused":..,"waiting":..,...}]}}) and
 *       {@code GET /api/jobs?queue=..&state=..&offset=..} ({@code
 *       {"items":[..],"offset":..,"hasMore":..}}): the same as JSON;
 *   <li>{@code POST /action}, when {@linkplain OperatorPageConfig#actionsEnabled() enabled}: pause,
 *       resume, cancel, replay, purge, replay-all and purge-all, answered with a redirect to the
 *       queue's page.
 * </ul>
 *
 * <p><b>Security.</b> Reads need {@link OperatorPageConfig#readAccess()}, actions {@link
 * OperatorPageConfig#actAccess()} (403 otherwise); with actions disabled every post gets 403.
 * Actions are refused (403) unless they are POSTs from the page's own origin carrying the page's
 * signed anti-forgery token (see {@code Csrf}). Every value shown (job ids, payloads, errors, queue
 * names, principals) is HTML-escaped; the page has no script and no external asset, and every
 * response carries a {@code Content-Security-Policy} that allows only its own inline style, plus
 * {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy:
 * same-origin} and {@code Cache-Control: no-store}.
 *
 * <p>Each page view reads the queues' counts and the newest completed and dead jobs (at most 100
 * each, for the throughput), and one page of jobs: on Redis a handful of round trips per queue.
 * Thread-safe; holds no resources (closing the queues is their owner's business).
 */
public final class OperatorPage implements Route {

  private static final Logger log = LoggerFactory.getLogger(OperatorPage.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Completed or dead jobs read per queue to count the last minute's throughput. */
  static final int THROUGHPUT_SAMPLE = 100;

  private static final List<JobState> TABS =
      List.of(
          JobState.WAITING,
          JobState.DELAYED,
          JobState.RETRYING,
          JobState.ACTIVE,
          JobState.DEAD,
          JobState.COMPLETED);

  private final Supplier<List<JobQueue>> queues;
  private final OperatorPageConfig config;
  private final Csrf csrf;
  private final PageWriter writer;

  private OperatorPage(Supplier<List<JobQueue>> queues, OperatorPageConfig config) {
    this.queues = queues;
    this.config = config;
    this.csrf = new Csrf(config.csrfSecret(), config.allowedOrigins());
    this.writer = new PageWriter(config);
  }

  /** A page over every queue of {@code registry}, as it is at each request. */
  public static OperatorPage of(JobQueueRegistry registry, OperatorPageConfig config) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(config, "config");
    return new OperatorPage(registry::all, config);
  }

  /** A page over {@code queues}. */
  public static OperatorPage of(List<? extends JobQueue> queues, OperatorPageConfig config) {
    List<JobQueue> copy = List.copyOf(queues);
    Objects.requireNonNull(config, "config");
    return new OperatorPage(() -> copy, config);
  }

  /** The configuration. */
  public OperatorPageConfig config() {
    return config;
  }

  @Override
  public RouteResponse handle(RouteRequest request) {
    RouteResponse response;
    try {
      response = secured(dispatch(request));
    } catch (RuntimeException e) {
      log.warn("operator page failed to answer {}", request, e);
      response = secured(RouteResponse.text(503, "queues unavailable: " + e.getClass().getName()));
    }
    return response;
  }

  private RouteResponse dispatch(RouteRequest request) {
    String path = request.path().isEmpty() ? "/" : request.path();
    String method = request.method();
    if (path.equals("/action")) {
      if (!method.equals("POST")) {
        return RouteResponse.text(405, "method not allowed\n").withHeader("Allow", "POST");
      }
      return action(request);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return RouteResponse.text(405, "method not allowed\n").withHeader("Allow", "GET, HEAD");
    }
    if (!allowed(config.readAccess(), request)) {
      return RouteResponse.text(403, "forbidden\n");
    }
    return switch (path) {
      case "/" -> withToken(request, token -> overview(request));
      case "/queue" -> withToken(request, token -> queuePage(request, token));
      case "/api/queues" -> RouteResponse.json(200, json(Map.of("queues", queuesJson())));
      case "/api/jobs" -> jobsJson(request);
      default -> RouteResponse.text(404, "not found\n");
    };
  }

  // ---- pages ----

  private RouteResponse overview(RouteRequest request) {
    List<QueueRow> rows = new ArrayList<>();
    for (JobQueue queue : queues.get()) {
      rows.add(row(queue));
    }
    return RouteResponse.html(200, writer.overview(request, rows));
  }

  private RouteResponse queuePage(RouteRequest request, String token) {
    Optional<JobQueue> found = request.queryParam("name").flatMap(this::queue);
    if (found.isEmpty()) {
      return RouteResponse.html(404, writer.notFound(request));
    }
    JobQueue queue = found.get();
    JobState state = state(request).orElse(JobState.WAITING);
    int offset = offset(request);
    List<ScheduleInfo> schedules;
    @Nullable String scheduleError = null;
    try {
      schedules = queue.schedules().list();
    } catch (UnsupportedOperationException e) {
      schedules = List.of(); // a backend without schedules
    } catch (RuntimeException e) {
      schedules = List.of();
      scheduleError = e.getClass().getName() + ": " + e.getMessage();
    }
    PageWriter.JobsView jobs;
    if (state == JobState.DEAD) {
      jobs =
          PageWriter.JobsView.dead(
              queue.deadLetters().list(DeadLetterFilter.all(), offset, config.pageSize()));
    } else {
      jobs = PageWriter.JobsView.of(queue.jobs(state, offset, config.pageSize()));
    }
    boolean canAct = config.actionsEnabled() && allowed(config.actAccess(), request);
    return RouteResponse.html(
        200,
        writer.queue(
            request,
            row(queue),
            state,
            TABS,
            jobs,
            schedules,
            scheduleError,
            canAct ? token : null,
            request.queryParam("done").orElse(null)));
  }

  private RouteResponse withToken(
      RouteRequest request, java.util.function.Function<String, RouteResponse> page) {
    Optional<String> cookie = Csrf.cookie(request);
    String value = cookie.orElseGet(Csrf::newCookie);
    RouteResponse response = page.apply(csrf.token(value));
    return cookie.isPresent()
        ? response
        : response.withHeader("Set-Cookie", Csrf.setCookie(value, request));
  }

  // ---- actions ----

  private RouteResponse action(RouteRequest request) {
    if (!config.actionsEnabled()) {
      return RouteResponse.text(403, "read-only: actions are not enabled\n");
    }
    Optional<String> forged = csrf.refusal(request);
    if (forged.isPresent()) {
      return RouteResponse.text(403, forged.get() + "\n");
    }
    if (!allowed(config.actAccess(), request)) {
      return RouteResponse.text(403, "forbidden\n");
    }
    Optional<JobQueue> found = request.formParam("queue").flatMap(this::queue);
    if (found.isEmpty()) {
      return RouteResponse.text(404, "no such queue\n");
    }
    JobQueue queue = found.get();
    String job = request.formParam("job").orElse("");
    String done =
        switch (request.formParam("action").orElse("")) {
          case "pause" -> {
            queue.pause();
            yield "paused";
          }
          case "resume" -> {
            queue.resume();
            yield "resumed";
          }
          case "cancel" -> {
            CancelOutcome outcome = queue.cancel(job);
            yield outcome == CancelOutcome.REMOVED
                ? "cancelled"
                : outcome == CancelOutcome.REQUESTED ? "cancel-requested" : "not-cancelled";
          }
          case "replay" -> queue.deadLetters().replay(job) ? "replayed" : "not-found";
          case "purge" -> queue.deadLetters().purge(job) ? "purged" : "not-found";
          case "replay-all" -> {
            queue.deadLetters().replay(DeadLetterFilter.all());
            yield "replayed-all";
          }
          case "purge-all" -> {
            queue.deadLetters().purge(DeadLetterFilter.all());
            yield "purged-all";
          }
          default -> "";
        };
    if (done.isEmpty()) {
      return RouteResponse.text(400, "unknown action\n");
    }
    log.info(
        "operator page: {} on queue {} job '{}' by {}",
        done,
        queue.name(),
        job,
        request.principal().orElse("anonymous"));
    String back =
        request.contextPath()
            + "/queue?name="
            + Html.param(queue.name())
            + "&state="
            + request.formParam("state").flatMap(OperatorPage::parseState).orElse(JobState.WAITING)
            + "&done="
            + done;
    return RouteResponse.seeOther(back);
  }

  // ---- JSON ----

  private List<Map<String, Object>> queuesJson() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JobQueue queue : queues.get()) {
      QueueRow row = row(queue);
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("name", row.name());
      q.put("paused", row.paused());
      q.put("waiting", row.counts().waiting());
      q.put("delayed", row.counts().delayed());
      q.put("active", row.counts().active());
      q.put("completed", row.counts().completed());
      q.put("dead", row.counts().dead());
      q.put("completedLastMinute", row.completedLastMinute());
      q.put("deadLastMinute", row.deadLastMinute());
      out.add(q);
    }
    return out;
  }

  private RouteResponse jobsJson(RouteRequest request) {
    Optional<JobQueue> found = request.queryParam("queue").flatMap(this::queue);
    if (found.isEmpty()) {
      return RouteResponse.json(404, "{\"error\":\"no such queue\"}");
    }
    JobState state = state(request).orElse(JobState.WAITING);
    Page<JobInfo> page = found.get().jobs(state, offset(request), config.pageSize());
    List<Map<String, Object>> items = new ArrayList<>();
    for (JobInfo job : page.items()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("id", job.id());
      j.put("type", job.type());
      j.put("state", job.state().name());
      j.put("priority", job.priority());
      j.put("attempts", job.attempts());
      j.put("maxAttempts", job.maxAttempts());
      j.put("enqueuedAt", job.enqueuedAt().toString());
      j.put("runAt", job.runAt() == null ? null : String.valueOf(job.runAt()));
      j.put("finishedAt", job.finishedAt() == null ? null : String.valueOf(job.finishedAt()));
      j.put("payload", PageWriter.payloadText(job.payload()));
      job.error()
          .ifPresent(
              e -> {
                j.put("errorClass", e.className());
                j.put("errorMessage", e.message());
              });
      items.add(j);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", items);
    body.put("offset", page.offset());
    body.put("hasMore", page.hasMore());
    return RouteResponse.json(200, json(body));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }

  // ---- supporting methods ----

  private QueueRow row(JobQueue queue) {
    QueueCounts counts = queue.counts();
    Instant minuteAgo = config.timeSource().now().minusSeconds(60);
    int completed = 0;
    if (counts.completed() > 0) {
      for (JobInfo job : queue.jobs(JobState.COMPLETED, 0, THROUGHPUT_SAMPLE).items()) {
        Instant at = job.finishedAt();
        if (at != null && at.isAfter(minuteAgo)) {
          completed++;
        }
      }
    }
    int dead = 0;
    if (counts.dead() > 0) {
      for (DeadLetter letter :
          queue.deadLetters().list(DeadLetterFilter.all(), 0, THROUGHPUT_SAMPLE).items()) {
        if (letter.diedAt().isAfter(minuteAgo)) {
          dead++;
        }
      }
    }
    return new QueueRow(queue.name(), queue.isPaused(), counts, completed, dead);
  }

  private Optional<JobQueue> queue(String name) {
    for (JobQueue queue : queues.get()) {
      if (queue.name().equals(name)) {
        return Optional.of(queue);
      }
    }
    return Optional.empty();
  }

  private static Optional<JobState> state(RouteRequest request) {
    return request.queryParam("state").flatMap(OperatorPage::parseState);
  }

  private static Optional<JobState> parseState(String name) {
    for (JobState state : JobState.values()) {
      if (state.name().equals(name.toUpperCase(Locale.ROOT))) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  private static int offset(RouteRequest request) {
    try {
      return Math.max(0, Integer.parseInt(request.queryParam("offset").orElse("0")));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean allowed(AccessCheck check, RouteRequest request) {
    try {
      return check.allows(request);
    } catch (RuntimeException e) {
      log.warn("access check failed for {}; refusing", request, e);
      return false;
    }
  }

  private static RouteResponse secured(RouteResponse response) {
    return response
        .withHeader("Content-Security-Policy", PageWriter.CONTENT_SECURITY_POLICY)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("X-Frame-Options", "DENY")
        .withHeader("Referrer-Policy", "same-origin")
        .withHeader("Cache-Control", "no-store");
  }

  /** One queue's line of the overview. */
  record QueueRow(
      String name,
      boolean paused,
      QueueCounts counts,
      int completedLastMinute,
      int deadLastMinute) {}
}
