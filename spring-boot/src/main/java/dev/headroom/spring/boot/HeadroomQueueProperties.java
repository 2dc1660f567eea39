package dev.headroom.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
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
