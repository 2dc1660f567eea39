package dev.headroom.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Job queues by name, and their workers. */
@ConfigurationProperties("headroom.queue")
public class HeadroomQueueProperties {

  /** Whether to create the job queue registry and the workers. */
  private boolean enabled = true;

  /** Whether to run workers for the QueueJobHandler beans (false: enqueue only). */
  private boolean workers = true;

  /** The queues, by name: {@code headroom.queue.queues.emails.concurrency=8}. */
  private Map<String, Spec> queues = new LinkedHashMap<>();

  /** The operator's page of the queues ({@code headroom.queue.operator-page.*}). */
  private final OperatorPage operatorPage = new OperatorPage();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isWorkers() {
    return workers;
  }

  public void setWorkers(boolean workers) {
    this.workers = workers;
  }

  public Map<String, Spec> getQueues() {
    return queues;
  }

  public void setQueues(Map<String, Spec> queues) {
    this.queues = queues;
  }

  public OperatorPage getOperatorPage() {
    return operatorPage;
  }

  /** The operator's page: the queues, their jobs and, when enabled, actions on them. */
  public static class OperatorPage {

    /** Whether to serve the operator's page (off unless set). */
    private boolean enabled = false;

    /** Where the page is served, such as /headroom/queues (below the server's context path). */
    private String path = "/headroom/queues";

    /**
     * Whether to serve the actions (pause, resume, cancel, replay, purge); off: read-only. Who may
     * act is an OperatorPageAccess bean's act check, else anyone with an authenticated principal.
     */
    private boolean actionsEnabled = false;

    /** Jobs listed per page, 1 to 500. */
    private int pageSize = 25;

    /**
     * Origins (scheme://host[:port]) allowed to post actions besides the page's own host, for a
     * page behind a proxy that rewrites the Host header.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /**
     * The secret (at least 32 characters) the page's anti-forgery tokens are signed with. Unset: a
     * random one per instance. Set the same secret on every instance behind a balancer that is not
     * sticky, or a form served by one instance is refused by another.
     */
    private @Nullable String csrfSecret;

    /** The page title. */
    private String title = "Headroom queues";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public boolean isActionsEnabled() {
      return actionsEnabled;
    }

    public void setActionsEnabled(boolean actionsEnabled) {
      this.actionsEnabled = actionsEnabled;
    }

    public int getPageSize() {
      return pageSize;
    }

    public void setPageSize(int pageSize) {
      this.pageSize = pageSize;
    }

    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    public @Nullable String getCsrfSecret() {
      return csrfSecret;
    }

    public void setCsrfSecret(@Nullable String csrfSecret) {
      this.csrfSecret = csrfSecret;
    }

    public String getTitle() {
      return title;
    }

    public void setTitle(String title) {
      this.title = title;
    }
  }

  /** One queue. */
  public static class Spec {

    /** Jobs run at once by this node's workers. */
    private int concurrency = 4;

    /**
     * How long running jobs may finish at shutdown before they are given back to the queue; keep it
     * below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownDeadline = Duration.ofSeconds(20);

    /** How long a claimed job is leased to its worker before another may take it. */
    private @Nullable Duration lease;

    /** How often idle workers poll when no wake-up arrives. */
    private @Nullable Duration pollInterval;

    /** The most jobs waiting; enqueue beyond it is refused. */
    private @Nullable Long capacity;

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public Duration getShutdownDeadline() {
      return shutdownDeadline;
    }

    public void setShutdownDeadline(Duration shutdownDeadline) {
      this.shutdownDeadline = shutdownDeadline;
    }

    public @Nullable Duration getLease() {
      return lease;
    }

    public void setLease(@Nullable Duration lease) {
      this.lease = lease;
    }

    public @Nullable Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(@Nullable Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public @Nullable Long getCapacity() {
      return capacity;
    }

    public void setCapacity(@Nullable Long capacity) {
      this.capacity = capacity;
    }
  }
}
