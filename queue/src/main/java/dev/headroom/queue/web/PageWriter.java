package dev.headroom.queue.web;

import dev.headroom.core.http.RouteRequest;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.JobError;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.ScheduleInfo;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Writes the page's HTML. Every value from outside (queue names, job ids, types, payloads, errors,
 * principals, query parameters) goes through {@link Html#text}; links are built from the mount
 * point and URL-encoded parameters, then escaped as attribute text. No script, no external asset:
 * one inline style whose hash is the only source the Content-Security-Policy allows.
 */
final class PageWriter {

  static final String CSS =
      "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}"
          + "header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}"
          + "header a{color:#fff;text-decoration:none;font-weight:600}"
          + "main{padding:16px 20px}h2{margin:18px 0 8px;font-size:16px}"
          + "table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:12px}"
          + "th,td{border-bottom:1px solid #e3e6eb;padding:6px 8px;text-align:left;vertical-align:top}"
          + "th{background:#eef0f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}"
          + ".badge{display:inline-block;padding:1px 8px;border-radius:9px;font-size:12px;background:#e3e6eb}"
          + ".paused{background:#ffe3a3}.ro{background:#d6e4ff}.err{color:#a01c1c}"
          + ".flash{background:#e3f6e8;border:1px solid #9fd8ad;padding:6px 10px;margin-bottom:10px}"
          + "nav.tabs a{margin-right:12px}nav.tabs a.on{font-weight:700;text-decoration:none;color:#1d2330}"
          + "form{display:inline;margin:0}button{font:inherit;padding:2px 10px;cursor:pointer}"
          + "pre{white-space:pre-wrap;word-break:break-all;margin:4px 0;font-size:12px;max-width:60em}"
          + "code{font-size:12px;word-break:break-all}.muted{color:#6b7280}";

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src '"
          + sha256(CSS)
          + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final int PAYLOAD_CHARS = 300;

  private final OperatorPageConfig config;

  PageWriter(OperatorPageConfig config) {
    this.config = config;
  }

  /** The jobs of one tab: plain jobs, or dead letters with their reasons. */
  record JobsView(
      List<JobInfo> jobs, List<@Nullable DeadLetter> letters, int offset, boolean hasMore) {

    static JobsView of(Page<JobInfo> page) {
      List<@Nullable DeadLetter> none = new ArrayList<>();
      page.items().forEach(j -> none.add(null));
      return new JobsView(page.items(), none, page.offset(), page.hasMore());
    }

    static JobsView dead(Page<DeadLetter> page) {
      List<JobInfo> jobs = new ArrayList<>();
      List<@Nullable DeadLetter> letters = new ArrayList<>();
      for (DeadLetter letter : page.items()) {
        jobs.add(letter.job());
        letters.add(letter);
      }
      return new JobsView(jobs, letters, page.offset(), page.hasMore());
    }
  }

  String overview(RouteRequest request, List<OperatorPage.QueueRow> rows) {
    StringBuilder b = start(request, config.title());
    b.append("<h2>Queues</h2>");
    if (rows.isEmpty()) {
      b.append("<p class=\"muted\">No queues.</p>");
    } else {
      b.append("<table id=\"queues\"><thead><tr><th>queue</th><th>waiting</th><th>delayed</th>")
          .append("<th>running</th><th>completed</th><th>dead</th>")
          .append("<th>completed / min</th><th>dead / min</th></tr></thead><tbody>");
      for (OperatorPage.QueueRow row : rows) {
        String link = queueLink(request, row.name(), JobState.WAITING, 0);
        b.append("<tr><td><a href=\"")
            .append(Html.text(link))
            .append("\">")
            .append(Html.text(row.name()))
            .append("</a>");
        if (row.paused()) {
          b.append(" <span class=\"badge paused\">paused</span>");
        }
        b.append("</td>")
            .append(num(row.counts().waiting()))
            .append(num(row.counts().delayed()))
            .append(num(row.counts().active()))
            .append(num(row.counts().completed()))
            .append(num(row.counts().dead()))
            .append(rate(row.completedLastMinute()))
            .append(rate(row.deadLastMinute()))
            .append("</tr>");
      }
      b.append("</tbody></table>");
      b.append("<p class=\"muted\">Per-minute figures count the newest ")
          .append(OperatorPage.THROUGHPUT_SAMPLE)
          .append(" completed and dead jobs kept (retention bounds them).</p>");
    }
    return end(b);
  }

  String queue(
      RouteRequest request,
      OperatorPage.QueueRow row,
      JobState state,
      List<JobState> tabs,
      JobsView jobs,
      List<ScheduleInfo> schedules,
      @Nullable String scheduleError,
      @Nullable String token,
      @Nullable String done) {
    StringBuilder b = start(request, row.name() + " · " + config.title());
    if (done != null) {
      b.append("<div class=\"flash\" id=\"flash\">")
          .append(Html.text(flash(done)))
          .append("</div>");
    }
    b.append("<h2>Queue <span id=\"queue-name\">").append(Html.text(row.name())).append("</span> ");
    b.append(
        row.paused()
            ? "<span class=\"badge paused\" id=\"state\">paused</span>"
            : "<span class=\"badge\" id=\"state\">running</span>");
    b.append("</h2><p>");
    if (token != null) {
      b.append(
          row.paused()
              ? form(request, token, row.name(), state, "resume", "", "Resume")
              : form(request, token, row.name(), state, "pause", "", "Pause"));
    }
    b.append("</p><table><thead><tr><th>waiting</th><th>delayed</th><th>running</th>")
        .append("<th>completed</th><th>dead</th><th>completed / min</th><th>dead / min</th>")
        .append("</tr></thead><tbody><tr>")
        .append(num(row.counts().waiting()))
        .append(num(row.counts().delayed()))
        .append(num(row.counts().active()))
        .append(num(row.counts().completed()))
        .append(num(row.counts().dead()))
        .append(rate(row.completedLastMinute()))
        .append(rate(row.deadLastMinute()))
        .append("</tr></tbody></table>");

    if (!schedules.isEmpty() || scheduleError != null) {
      b.append("<h2>Schedules</h2>");
      if (scheduleError != null) {
        b.append("<p class=\"err\">").append(Html.text(scheduleError)).append("</p>");
      }
      if (!schedules.isEmpty()) {
        b.append("<table id=\"schedules\"><thead><tr><th>schedule</th><th>type</th>")
            .append("<th>timing</th><th>missed ticks</th><th>next tick</th><th>last tick</th>")
            .append("</tr></thead><tbody>");
        for (ScheduleInfo s : schedules) {
          b.append("<tr><td>")
              .append(Html.text(s.name()))
              .append("</td><td>")
              .append(Html.text(s.type()))
              .append("</td><td><code>")
              .append(Html.text(s.timing()))
              .append("</code></td><td>")
              .append(s.missedTicks().name().toLowerCase(Locale.ROOT).replace('_', ' '))
              .append("</td><td>")
              .append(time(s.nextTick()))
              .append("</td><td>")
              .append(time(s.lastTick()))
              .append("</td></tr>");
        }
        b.append("</tbody></table>");
      }
    }

    b.append("<h2>Jobs</h2><nav class=\"tabs\">");
    for (JobState tab : tabs) {
      b.append("<a href=\"")
          .append(Html.text(queueLink(request, row.name(), tab, 0)))
          .append("\"")
          .append(tab == state ? " class=\"on\"" : "")
          .append(">")
          .append(tab.name().toLowerCase(Locale.ROOT))
          .append("</a>");
    }
    b.append("</nav>");
    if (state == JobState.DEAD && token != null && row.counts().dead() > 0) {
      b.append("<p>")
          .append(form(request, token, row.name(), state, "replay-all", "", "Replay all"))
          .append(" ")
          .append(form(request, token, row.name(), state, "purge-all", "", "Purge all"))
          .append("</p>");
    }
    b.append("<table id=\"jobs\"><thead><tr><th>id</th><th>type</th><th>priority</th>")
        .append("<th>attempts</th><th>enqueued</th><th>")
        .append(state == JobState.DEAD || state == JobState.COMPLETED ? "finished" : "run at")
        .append("</th><th>payload</th><th>error</th>")
        .append(token != null ? "<th>actions</th>" : "")
        .append("</tr></thead><tbody>");
    if (jobs.jobs().isEmpty()) {
      b.append("<tr><td colspan=\"9\" class=\"muted\">No ")
          .append(state.name().toLowerCase(Locale.ROOT))
          .append(" jobs.</td></tr>");
    }
    for (int i = 0; i < jobs.jobs().size(); i++) {
      JobInfo job = jobs.jobs().get(i);
      DeadLetter letter = jobs.letters().get(i);
      b.append("<tr><td><code>")
          .append(Html.text(job.id()))
          .append("</code></td><td>")
          .append(Html.text(job.type()))
          .append("</td>")
          .append(num(job.priority()))
          .append("<td class=\"n\">")
          .append(job.attempts())
          .append(" / ")
          .append(job.maxAttempts())
          .append("</td><td>")
          .append(time(job.enqueuedAt()))
          .append("</td><td>")
          .append(time(job.finishedAt() != null ? job.finishedAt() : job.runAt()))
          .append("</td><td><pre>")
          .append(Html.text(Html.cut(payloadText(job.payload()), PAYLOAD_CHARS)))
          .append("</pre></td><td>");
      if (letter != null) {
        b.append("<span class=\"badge\">").append(Html.text(letter.reason())).append("</span> ");
      }
      JobError error = letter != null ? letter.error() : job.lastError();
      if (error != null) {
        b.append("<div class=\"err\"><code>")
            .append(Html.text(error.className()))
            .append("</code>: ")
            .append(Html.text(error.message()))
            .append("</div>");
        if (!error.stackTrace().isEmpty()) {
          b.append("<details><summary>stack trace</summary><pre>")
              .append(Html.text(error.stackTrace()))
              .append("</pre></details>");
        }
      }
      b.append("</td>");
      if (token != null) {
        b.append("<td>");
        if (state == JobState.DEAD) {
          b.append(form(request, token, row.name(), state, "replay", job.id(), "Replay"))
              .append(" ")
              .append(form(request, token, row.name(), state, "purge", job.id(), "Purge"));
        } else if (state != JobState.COMPLETED) {
          b.append(form(request, token, row.name(), state, "cancel", job.id(), "Cancel"));
        }
        b.append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</tbody></table><p>");
    if (jobs.offset() > 0) {
      int previous = Math.max(0, jobs.offset() - config.pageSize());
      b.append("<a id=\"previous\" href=\"")
          .append(Html.text(queueLink(request, row.name(), state, previous)))
          .append("\">&larr; newer</a> ");
    }
    if (jobs.hasMore()) {
      b.append("<a id=\"next\" href=\"")
          .append(
              Html.text(queueLink(request, row.name(), state, jobs.offset() + jobs.jobs().size())))
          .append("\">more &rarr;</a>");
    }
    b.append("</p>");
    return end(b);
  }

  String notFound(RouteRequest request) {
    StringBuilder b = start(request, config.title());
    b.append("<h2>No such queue</h2><p><a href=\"")
        .append(Html.text(home(request)))
        .append("\">All queues</a></p>");
    return end(b);
  }

  /** The payload as text: UTF-8 when it is, otherwise its bytes in hex. */
  static String payloadText(byte[] payload) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      return "0x" + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 128));
    }
  }

  private StringBuilder start(RouteRequest request, String title) {
    StringBuilder b = new StringBuilder(8192);
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(Html.text(title))
        .append("</title><style>")
        .append(CSS)
        .append("</style></head><body><header><a href=\"")
        .append(Html.text(home(request)))
        .append("\">")
        .append(Html.text(config.title()))
        .append("</a>");
    if (!config.actionsEnabled()) {
      b.append("<span class=\"badge ro\" id=\"read-only\">read-only</span>");
    }
    request
        .principal()
        .ifPresent(
            p ->
                b.append("<span class=\"muted\" id=\"principal\">")
                    .append(Html.text(p))
                    .append("</span>"));
    b.append("</header><main>");
    return b;
  }

  private static String end(StringBuilder b) {
    return b.append("</main></body></html>").toString();
  }

  private static String form(
      RouteRequest request,
      String token,
      String queue,
      JobState state,
      String action,
      String job,
      String label) {
    return "<form method=\"post\" action=\""
        + Html.text(request.contextPath() + "/action")
        + "\"><input type=\"hidden\" name=\""
        + Csrf.FIELD
        + "\" value=\""
        + Html.text(token)
        + "\"><input type=\"hidden\" name=\"queue\" value=\""
        + Html.text(queue)
        + "\"><input type=\"hidden\" name=\"state\" value=\""
        + state.name()
        + "\"><input type=\"hidden\" name=\"action\" value=\""
        + action
        + "\"><input type=\"hidden\" name=\"job\" value=\""
        + Html.text(job)
        + "\"><button type=\"submit\" name=\"do\" value=\""
        + action
        + "\">"
        + label
        + "</button></form>";
  }

  private static String home(RouteRequest request) {
    return request.contextPath() + "/";
  }

  private static String queueLink(RouteRequest request, String queue, JobState state, int offset) {
    return request.contextPath()
        + "/queue?name="
        + Html.param(queue)
        + "&state="
        + state.name()
        + (offset > 0 ? "&offset=" + offset : "");
  }

  private static String num(long n) {
    return "<td class=\"n\">" + n + "</td>";
  }

  private static String rate(int n) {
    return "<td class=\"n\">" + (n >= OperatorPage.THROUGHPUT_SAMPLE ? "≥" + n : n) + "</td>";
  }

  private static String time(@Nullable Instant at) {
    return at == null
        ? "<span class=\"muted\">–</span>"
        : "<time>" + Html.text(at.truncatedTo(ChronoUnit.SECONDS).toString()) + "</time>";
  }

  private static String flash(String done) {
    return switch (done) {
      case "paused" -> "Paused: no worker claims a job until resumed.";
      case "resumed" -> "Resumed.";
      case "cancelled" -> "Cancelled: the job was removed.";
      case "cancel-requested" -> "Cancellation requested: the running job was asked to stop.";
      case "not-cancelled" -> "Not cancelled: the job had finished or was not found.";
      case "replayed" -> "Replayed: the job is back in line.";
      case "purged" -> "Purged.";
      case "replayed-all" -> "Replayed every dead letter.";
      case "purged-all" -> "Purged every dead letter.";
      case "not-found" -> "Not found: nothing was done.";
      default -> "Done.";
    };
  }

  private static String sha256(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
