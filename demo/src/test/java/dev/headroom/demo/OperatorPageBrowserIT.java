package dev.headroom.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.codec.Codec;
import dev.headroom.monitoring.Monitor;
import dev.headroom.monitoring.MonitoringServer;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.NonRetryableException;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.WorkerPool;
import dev.headroom.queue.web.OperatorPage;
import dev.headroom.queue.web.OperatorPageConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The queue's operator page in a real headless Chromium, served by {@link MonitoringServer} over an
 * in-memory queue: the operator pauses and resumes a queue and replays a dead job through the
 * page's forms (so the anti-forgery token, the cookie, the Origin check and the
 * Content-Security-Policy all meet a real browser), and hostile job data shows as text.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them);
 * without them this test fails, it never skips. {@code -Dheadroom.screenshot.update=true} also
 * writes the screenshot to {@code queue/docs/operator-page.png} for the queue's README; it always
 * goes to {@code target/operator-page.png}.
 */
class OperatorPageBrowserIT {

  static final JobType<String> EMAIL = JobType.of("email", Codec.utf8());
  static final JobType<String> THUMBNAIL = JobType.of("thumbnail", Codec.utf8());
  static final String HOSTILE =
      "<script>document.title='owned'</script><img src=x onerror=alert(1)>";

  private JobQueueRegistry queues;
  private MonitoringServer server;
  private WebDriver browser;

  @BeforeEach
  void start() {
    queues = JobQueueRegistry.create(Optional.empty(), JobQueueConfig.ofDefaults());
    JobQueue emails = queues.getOrCreate("emails");
    JobQueue thumbnails = queues.getOrCreate("thumbnails");
    kill(emails, "bounce@example.com", "smtp 550 mailbox unavailable: " + HOSTILE);
    kill(emails, "typo@exampel.com", "unknown domain exampel.com");
    kill(thumbnails, "cat.heic", "unsupported image format HEIC");
    for (int i = 1; i <= 4; i++) {
      emails.enqueue(EMAIL, "{\"to\":\"user" + i + "@example.com\",\"template\":\"welcome\"}");
    }
    emails.enqueue(
        EMAIL,
        "{\"to\":\"ada@example.com\",\"template\":\"digest\"}",
        JobOptions.builder().delay(Duration.ofHours(6)).build());
    thumbnails.enqueue(THUMBNAIL, "dog.png");
    emails
        .schedules()
        .upsert(
            Schedule.builder("weekly-digest", EMAIL, "{\"template\":\"digest\"}")
                .every(Duration.ofDays(7))
                .build());

    OperatorPage page =
        OperatorPage.of(queues, OperatorPageConfig.builder().actionsEnabled(true).build());
    server = MonitoringServer.builder(Monitor.builder().build()).route("/queues", page).start();
    browser = chromium();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (queues != null) {
      queues.close();
    }
  }

  @Test
  void anOperatorPausesResumesAndReplaysADeadJobThroughThePage() throws IOException {
    JobQueue emails = queues.get("emails");
    browser.get("http://127.0.0.1:" + server.port() + "/queues/");

    // the overview: both queues with their counts; the inline style ran (allowed by its CSP hash)
    List<String> rows =
        browser.findElements(By.cssSelector("#queues tbody tr")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("emails 4 1 0 0 2"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("thumbnails 1 0 0 0 1"));
    assertThat(browser.findElement(By.tagName("header")).getCssValue("background-color"))
        .isEqualTo("rgba(29, 35, 48, 1)");

    // pause and resume
    follow(browser.findElement(By.linkText("emails")));
    follow(browser.findElement(By.cssSelector("button[value=pause]")));
    assertThat(text(By.id("state"))).isEqualTo("paused");
    assertThat(text(By.id("flash"))).startsWith("Paused");
    assertThat(emails.isPaused()).isTrue();
    follow(browser.findElement(By.cssSelector("button[value=resume]")));
    assertThat(text(By.id("state"))).isEqualTo("running");
    assertThat(emails.isPaused()).isFalse();
    assertThat(text(By.id("schedules"))).contains("weekly-digest").contains("every PT168H");

    // the dead letters: hostile error text is shown as text and never ran
    follow(browser.findElement(By.linkText("dead")));
    String table = text(By.id("jobs"));
    assertThat(table)
        .contains("smtp 550 mailbox unavailable: " + HOSTILE)
        .contains("non-retryable");
    assertThat(browser.getTitle()).doesNotContain("owned");
    assertThat(browser.findElements(By.cssSelector("#jobs img"))).isEmpty();
    screenshot();

    // replay one through its form
    String deadId =
        emails.deadLetters().list(dev.headroom.queue.DeadLetterFilter.all(), 0, 10).items().stream()
            .filter(d -> d.error().message().startsWith("unknown domain"))
            .findFirst()
            .orElseThrow()
            .job()
            .id();
    WebElement row =
        browser.findElements(By.cssSelector("#jobs tbody tr")).stream()
            .filter(r -> r.getText().contains(deadId))
            .findFirst()
            .orElseThrow();
    follow(row.findElement(By.cssSelector("button[value=replay]")));
    assertThat(text(By.id("flash"))).startsWith("Replayed");
    assertThat(emails.job(deadId).orElseThrow().state()).isEqualTo(JobState.WAITING);
    assertThat(text(By.id("jobs"))).doesNotContain(deadId);
  }

  /** Clicks a link or a form button and waits until the browser has left the page it was on. */
  private void follow(WebElement control) {
    WebElement page = browser.findElement(By.tagName("html"));
    control.click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.stalenessOf(page));
  }

  /** The text of an element of the current page, once it is there. */
  private String text(By locator) {
    return new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(locator).getText());
  }

  private void screenshot() throws IOException {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Path target = Path.of("target", "operator-page.png");
    Files.createDirectories(target.getParent());
    Files.write(target, png);
    if (Boolean.getBoolean("headroom.screenshot.update")) {
      Path docs = Path.of("..", "queue", "docs", "operator-page.png");
      Files.createDirectories(docs.getParent());
      Files.copy(target, docs, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void kill(JobQueue queue, String payload, String error) {
    JobType<String> type = queue.name().equals("emails") ? EMAIL : THUMBNAIL;
    queue.enqueue(type, payload);
    long before = queue.deadLetters().count();
    WorkerPool workers = queue.workers().handle(type, job -> fail(error)).start();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> queue.deadLetters().count() > before);
    } finally {
      workers.shutdown(Duration.ofSeconds(5));
    }
  }

  private static void fail(String error) {
    throw new NonRetryableException(error);
  }

  /** Debian's chromium and chromedriver; a missing one fails the test with what to install. */
  private static WebDriver chromium() {
    File browserBinary = executable("chromium", "chromium-browser", "google-chrome");
    File driverBinary = executable("chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browserBinary);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,860",
        "--force-device-scale-factor=1");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driverBinary)
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static File executable(String... names) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : names) {
      Optional<File> found =
          Stream.concat(
                  Stream.of(path.split(File.pathSeparator)),
                  Stream.of("/usr/bin", "/usr/lib/chromium"))
              .map(dir -> new File(dir, name))
              .filter(File::canExecute)
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
    }
    throw new IllegalStateException(
        "none of "
            + List.of(names)
            + " is installed: this test needs a real browser"
            + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
  }
}
