package dev.headroom.examples.reference;

import dev.headroom.examples.reference.Jobs.AiRequest;
import dev.headroom.examples.reference.Jobs.Email;
import dev.headroom.examples.reference.Jobs.Event;
import dev.headroom.examples.reference.Jobs.Notification;
import dev.headroom.examples.reference.Model.Creator;
import dev.headroom.examples.reference.Model.HomeFeed;
import dev.headroom.examples.reference.Model.MixList;
import dev.headroom.examples.reference.Model.Profile;
import dev.headroom.examples.reference.Model.TrackView;
import dev.headroom.queue.QueueUnavailableException;
import dev.headroom.spring.boot.RateLimitKey;
import dev.headroom.spring.boot.RateLimited;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The HTTP API. Every {@code /api/**} request counts against the {@code api} policy (100 / min per
 * client IP, a rule in application.yml); login, AI generation and payments have their own policies.
 * The caller's user is the {@code X-User-Id} header (a real service takes it from its session).
 */
@RestController
public class Api {

  private final Catalog catalog;
  private final Database db;
  private final Jobs jobs;

  Api(Catalog catalog, Database db, Jobs jobs) {
    this.catalog = catalog;
    this.db = db;
    this.jobs = jobs;
  }

  /** The home feed of a genre (stale-while-revalidate). */
  @GetMapping("/api/home")
  public HomeFeed home(
      @RequestParam(name = "genre", defaultValue = "pop") String genre,
      @RequestHeader(name = "X-User-Id", required = false) @Nullable Long userId) {
    if (!Database.GENRES.contains(genre)) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no genre " + genre);
    }
    jobs.submitBestEffort(Jobs.ANALYTICS, new Event("home:" + genre, userId == null ? 0 : userId));
    return catalog.home(genre);
  }

  /** A track with its CDN cover URL and signed audio URL. */
  @GetMapping("/api/tracks/{id}")
  public TrackView track(@PathVariable("id") long id) {
    return catalog.track(id).orElseThrow(() -> notFound("track", id));
  }

  /** A user's profile. */
  @GetMapping("/api/users/{id}")
  public Profile profile(@PathVariable("id") long id) {
    return catalog.profile(id).orElseThrow(() -> notFound("user", id));
  }

  /** A user's mixes. */
  @GetMapping("/api/users/{id}/mixes")
  public MixList mixes(@PathVariable("id") long id) {
    return catalog.mixes(id);
  }

  /** Renames a user; every cached entry of that user goes, on every node. */
  @PutMapping("/api/users/{id}")
  public Profile rename(@PathVariable("id") long id, @RequestBody Map<String, String> body) {
    String name = body.getOrDefault("name", "").strip();
    if (name.isEmpty() || name.length() > 200) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name must be 1 to 200 characters");
    }
    if (!catalog.rename(id, name)) {
      throw notFound("user", id);
    }
    jobs.submit(Jobs.EMAIL, new Email("user" + id + "@example.com", "profile-changed"));
    return catalog.profile(id).orElseThrow(() -> notFound("user", id));
  }

  /** Signs in: 5 attempts per 15 minutes per client IP. */
  @RateLimited("login")
  @PostMapping("/api/auth/login")
  public Map<String, Object> login(@RequestBody Map<String, String> body) {
    long userId =
        db.authenticate(body.getOrDefault("email", ""), body.getOrDefault("password", ""))
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.UNAUTHORIZED, "wrong email or password"));
    jobs.submitBestEffort(Jobs.ANALYTICS, new Event("login", userId));
    return Map.of("userId", userId, "token", "u" + userId);
  }

  /** Starts an AI generation: 30 per minute per user; answers 202 with the job id. */
  @RateLimited(value = "ai", key = RateLimitKey.HEADER, header = "X-User-Id")
  @PostMapping("/api/ai/generate")
  public ResponseEntity<Map<String, String>> generate(
      @RequestHeader("X-User-Id") long userId, @RequestBody Map<String, String> body) {
    String prompt = body.getOrDefault("prompt", "");
    if (prompt.isBlank() || prompt.length() > 2000) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "prompt must be 1 to 2000 characters");
    }
    String jobId;
    try {
      jobId = jobs.submit(Jobs.AI, new AiRequest(userId, prompt));
    } catch (QueueUnavailableException e) {
      // not accepted: the caller is told to come back rather than promised a job that was not
      // stored
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .header("Retry-After", "5")
          .body(Map.of("error", "generation queue unavailable, try again shortly"));
    }
    return ResponseEntity.accepted().body(Map.of("jobId", jobId, "queue", Jobs.AI_QUEUE));
  }

  /** The state of an AI job. */
  @GetMapping("/api/ai/jobs/{id}")
  public Map<String, String> generation(@PathVariable("id") String id) {
    return Map.of("jobId", id, "state", jobs.state(Jobs.AI_QUEUE, id));
  }

  /** The creators of a genre's top tracks with their wallets (batched lookups). */
  @GetMapping("/api/dashboard")
  public List<Creator> dashboard(@RequestParam(name = "genre", defaultValue = "pop") String genre) {
    if (!Database.GENRES.contains(genre)) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no genre " + genre);
    }
    return catalog.dashboard(genre);
  }

  /** Tops up the caller's wallet: 10 payments per minute per user. */
  @RateLimited(value = "payment", key = RateLimitKey.HEADER, header = "X-User-Id")
  @PostMapping("/api/wallet/top-up")
  public Map<String, Object> topUp(
      @RequestHeader("X-User-Id") long userId, @RequestBody Map<String, Long> body) {
    long cents = body.getOrDefault("cents", 0L);
    if (cents <= 0 || cents > 1_000_000) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "cents must be 1 to 1000000");
    }
    if (!db.topUp(userId, cents)) {
      throw notFound("wallet", userId);
    }
    jobs.submit(Jobs.NOTIFICATION, new Notification(userId, "wallet topped up by " + cents));
    return Map.of("userId", userId, "toppedUpCents", cents);
  }

  private static ResponseStatusException notFound(String what, Object id) {
    return new ResponseStatusException(HttpStatus.NOT_FOUND, "no " + what + " " + id);
  }
}
