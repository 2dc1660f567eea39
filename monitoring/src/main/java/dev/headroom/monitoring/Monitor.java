package dev.headroom.monitoring;

import dev.headroom.core.config.Require;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's health in one place: builds {@link HealthSnapshot}s from the meters in a {@link
 * MeterRegistry} (see {@link HeadroomMeters}), the {@link RequestMetrics} and the {@link
 * HealthCheck}s it is given, and evaluates {@link AlertRules} (and a {@link ScalingAdvisor}, if
 * given) on a schedule.
 *
 * <p>It is built with a builder rather than from a {@code ...Config}: besides the meter registry
 * and time source (given as in every config, {@code meterRegistry(..)} and {@code timeSource(..)})
 * it takes live collaborators (request metrics, health checks, an advisor that serves one monitor),
 * which an immutable, reusable configuration value should not hold.
 *
 * <pre>{@code
 * Monitor monitor = Monitor.builder()
 *     .meterRegistry(meterRegistry)
 *     .requests(requests)
 *     .healthCheck(dataSource)
 *     .alertRules(AlertRules.defaults())
 *     .build();
 * monitor.addAlertListener(event -> log.warn("{}", event));
 * monitor.start(Duration.ofSeconds(15));
 * String json = monitor.snapshot().toJson();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the schedule (it does not close the registry, the request
 * metrics or the health checks).
 */
public final class Monitor implements AutoCloseable {

  /** The default interval of {@link #start()}. */
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(Monitor.class);

  private final @Nullable MeterRegistry registry;
  private final @Nullable RequestMetrics requests;
  private final Duration performanceWindow;
  private final List<HealthCheck> healthChecks;
  private final AlertRules alertRules;
  private final @Nullable ScalingAdvisor advisor;
  private final TimeSource time;
  private final Map<AlertRule, RuleState> alertStates = new LinkedHashMap<>();
  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
  private volatile List<Alert> firing = List.of();
  private @Nullable ScheduledExecutorService scheduler;
  private boolean closed;

  private Monitor(Builder b, Duration performanceWindow) {
    this.registry = b.registry;
    this.requests = b.requests;
    this.performanceWindow = performanceWindow;
    this.healthChecks = List.copyOf(b.healthChecks);
    this.alertRules = b.alertRules;
    this.advisor = b.advisor;
    this.time =
        b.time != null
            ? b.time
            : b.requests != null ? b.requests.timeSource() : TimeSource.system();
    for (AlertRule rule : alertRules.rules()) {
      alertStates.put(rule, new RuleState(rule.condition(), false));
    }
  }

  /**
   * A builder: no meter registry (no meter sections), no request metrics, the default alert rules.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A fresh snapshot: meters and health checks are read now; the alerts are those firing at the
   * last evaluation. Calls every health check; one that throws reads as DOWN.
   */
  public HealthSnapshot snapshot() {
    Sections s = readSections();
    List<HealthSnapshot.Component> components = new ArrayList<>();
    HealthStatus overall = HealthStatus.UP;
    for (HealthCheck check : healthChecks) {
      Health h;
      try {
        h = check.health();
      } catch (RuntimeException e) {
        log.warn("health check {} threw instead of reporting DOWN", check.name(), e);
        h = Health.down(e);
      }
      components.add(new HealthSnapshot.Component(check.name(), h.status(), h.details()));
      overall = overall.worst(h.status());
    }
    return new HealthSnapshot(
        overall,
        time.now(),
        s.performance,
        s.queue,
        s.cache,
        s.rateLimit,
        s.pools,
        components,
        firing);
  }

  /**
   * Evaluates every alert rule (and the scaling advisor's rules) once, now, and tells the listeners
   * what changed. {@link #start} calls this on a schedule; call it yourself to drive evaluation
   * from your own scheduler or, in tests, after moving a manual time source.
   *
   * @return the alert events of this evaluation, in rule order
   */
  public synchronized List<AlertEvent> evaluate() {
    Sections s = readSections();
    long nowNanos = time.nanoTime();
    Instant wallNow = time.now();
    List<AlertEvent> events = new ArrayList<>();
    List<Alert> nowFiring = new ArrayList<>();
    for (Map.Entry<AlertRule, RuleState> e : alertStates.entrySet()) {
      AlertRule rule = e.getKey();
      RuleState state = e.getValue();
      OptionalDouble value = value(s, rule.metric());
      RuleState.Transition t = state.evaluate(value, nowNanos, wallNow);
      if (t == RuleState.Transition.FIRED) {
        events.add(
            new AlertEvent(
                AlertEvent.Kind.FIRED, rule, state.lastValue(), wallNow, state.firingSince()));
      } else if (t == RuleState.Transition.RESOLVED) {
        events.add(
            new AlertEvent(
                AlertEvent.Kind.RESOLVED, rule, state.lastValue(), wallNow, state.firingSince()));
      }
      if (state.firing()) {
        nowFiring.add(
            new Alert(
                rule.name(),
                rule.severity(),
                rule.metric(),
                rule.threshold(),
                state.lastValue(),
                state.firingSince()));
      }
    }
    nowFiring.sort((a, b) -> a.since().compareTo(b.since()));
    firing = List.copyOf(nowFiring);
    for (AlertEvent event : events) {
      if (event.kind() == AlertEvent.Kind.FIRED) {
        log.warn(
            "alert {} fired: {} = {} ({})",
            event.rule().name(),
            event.rule().metric(),
            event.value(),
            event.rule().severity());
      } else {
        log.info(
            "alert {} resolved: {} = {}",
            event.rule().name(),
            event.rule().metric(),
            event.value());
      }
      for (AlertListener l : listeners) {
        try {
          l.onEvent(event);
        } catch (RuntimeException ex) {
          log.warn("alert listener {} failed on {}", l, event, ex);
        }
      }
    }
    if (advisor != null) {
      advisor.evaluate(m -> value(s, m), nowNanos, wallNow);
    }
    return events;
  }

  /** The alerts firing at the last evaluation, oldest first. */
  public List<Alert> firingAlerts() {
    return firing;
  }

  /** Adds a listener for fired and resolved alert events. */
  public void addAlertListener(AlertListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Reads a metric now, as a rule would; empty when its data is absent. */
  public OptionalDouble read(Metric metric) {
    Objects.requireNonNull(metric, "metric");
    return value(readSections(), metric);
  }

  /** The alert rules this monitor evaluates. */
  public AlertRules alertRules() {
    return alertRules;
  }

  /** The scaling advisor this monitor evaluates, if it was given one. */
  public Optional<ScalingAdvisor> scalingAdvisor() {
    return Optional.ofNullable(advisor);
  }

  /** The registry the meters are read from, if it was given one. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(registry);
  }

  /** The health checks of the snapshot, in order. */
  public List<HealthCheck> healthChecks() {
    return healthChecks;
  }

  /**
   * Evaluates every {@link #DEFAULT_EVALUATION_INTERVAL} on a daemon thread; see {@link
   * #start(Duration)}.
   */
  public Monitor start() {
    return start(DEFAULT_EVALUATION_INTERVAL);
  }

  /**
   * Evaluates the rules every {@code interval} on a daemon thread of its own, starting after one
   * interval. A failed evaluation is logged and the schedule goes on.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   * @throws IllegalStateException if already started or closed
   */
  public synchronized Monitor start(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    if (closed) {
      throw new IllegalStateException("monitor is closed");
    }
    if (scheduler != null) {
      throw new IllegalStateException("monitor already started");
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-monitor");
              t.setDaemon(true);
              return t;
            });
    long nanos = interval.toNanos();
    // The task logs its own failures and close() ends it with the executor: the handle carries
    // nothing.
    var unused =
        s.scheduleWithFixedDelay(
            () -> {
              try {
                evaluate();
              } catch (RuntimeException e) {
                log.warn("alert evaluation failed", e);
              }
            },
            nanos,
            nanos,
            TimeUnit.NANOSECONDS);
    scheduler = s;
    return this;
  }

  /** Stops the schedule, if started; the monitor can still build snapshots and evaluate by hand. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      closed = true;
      s = scheduler;
      scheduler = null;
    }
    if (s != null) {
      s.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Monitor[" + healthChecks.size() + " health checks, " + alertRules + "]";
  }

  // ---- Reading ----

  private record Sections(
      HealthSnapshot.@Nullable Performance performance,
      HealthSnapshot.@Nullable Queue queue,
      HealthSnapshot.@Nullable Cache cache,
      HealthSnapshot.@Nullable RateLimit rateLimit,
      HealthSnapshot.@Nullable Pools pools,
      @Nullable WindowStats window) {}

  private Sections readSections() {
    WindowStats window = requests == null ? null : requests.overall(performanceWindow);
    HealthSnapshot.Performance performance =
        window == null ? null : HealthSnapshot.Performance.of(window);
    MeterRegistry r = registry;
    if (r == null) {
      return new Sections(performance, null, null, null, null, window);
    }
    return new Sections(
        performance,
        MeterReader.queue(r),
        MeterReader.cache(r),
        MeterReader.rateLimit(r),
        MeterReader.pools(r),
        window);
  }

  private OptionalDouble value(Sections s, Metric metric) {
    MeterRegistry r = registry;
    if (metric.isMeter()) {
      return r == null
          ? OptionalDouble.empty()
          : MeterReader.meter(r, metric.name(), metric.tags());
    }
    WindowStats w = s.window;
    return switch (metric.name()) {
      case "avgResponseTime" -> w == null ? OptionalDouble.empty() : millis(w.mean());
      case "p50" -> w == null ? OptionalDouble.empty() : millis(w.p50());
      case "p95" -> w == null ? OptionalDouble.empty() : millis(w.p95());
      case "p99" -> w == null ? OptionalDouble.empty() : millis(w.p99());
      case "maxResponseTime" -> w == null ? OptionalDouble.empty() : millis(w.max());
      case "errorRate" -> w == null ? OptionalDouble.empty() : w.errorRate();
      case "serverErrorRate" -> w == null ? OptionalDouble.empty() : w.serverErrorRate();
      case "requests" -> w == null ? OptionalDouble.empty() : OptionalDouble.of((double) w.count());
      case "poolActive" ->
          s.pools == null ? OptionalDouble.empty() : OptionalDouble.of((double) s.pools.active());
      case "poolIdle" ->
          s.pools == null ? OptionalDouble.empty() : OptionalDouble.of((double) s.pools.idle());
      case "poolPending" ->
          s.pools == null ? OptionalDouble.empty() : OptionalDouble.of((double) s.pools.pending());
      case "cacheHitRate" -> s.cache == null ? OptionalDouble.empty() : s.cache.hitRate();
      case "queuePending" ->
          s.queue == null ? OptionalDouble.empty() : OptionalDouble.of((double) s.queue.pending());
      case "queueWorkers" ->
          s.queue == null ? OptionalDouble.empty() : OptionalDouble.of((double) s.queue.workers());
      case "rateLimitDenied" ->
          s.rateLimit == null
              ? OptionalDouble.empty()
              : OptionalDouble.of((double) s.rateLimit.denied());
      case "cpu" -> {
        // The JVM reports a negative load while it cannot tell yet: that is no data, not idle.
        OptionalDouble cpu =
            r == null
                ? OptionalDouble.empty()
                : MeterReader.meter(r, HeadroomMeters.PROCESS_CPU_USAGE, List.of());
        yield cpu.isPresent() && cpu.getAsDouble() < 0 ? OptionalDouble.empty() : cpu;
      }
      default -> throw new IllegalStateException("metric " + metric + " has no reader");
    };
  }

  private static OptionalDouble millis(Optional<Duration> d) {
    return d.isPresent() ? OptionalDouble.of(d.get().toNanos() / 1e6) : OptionalDouble.empty();
  }

  /** Builds a {@link Monitor}; not thread-safe. */
  public static final class Builder {

    private @Nullable MeterRegistry registry;
    private @Nullable RequestMetrics requests;
    private @Nullable Duration performanceWindow;
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private AlertRules alertRules = AlertRules.defaults();
    private @Nullable ScalingAdvisor advisor;
    private @Nullable TimeSource time;

    private Builder() {}

    /**
     * The registry whose meters (named in {@link HeadroomMeters}) feed the queue, cache, rate-limit
     * and pool sections and the meter metrics of the rules; default none (those read as absent).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /**
     * The request metrics behind the {@code performance} section and the latency and error metrics.
     */
    public Builder requests(RequestMetrics requests) {
      this.requests = Objects.requireNonNull(requests, "requests");
      return this;
    }

    /** Which of the request metrics' windows the snapshot and rules read; default the shortest. */
    public Builder performanceWindow(Duration window) {
      this.performanceWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /** Adds a component to the snapshot; the overall status is the worst component status. */
    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Require.nonNull("healthCheck", check));
      return this;
    }

    /** Adds components to the snapshot, in order. */
    public Builder healthChecks(Collection<? extends HealthCheck> checks) {
      Require.nonNull("healthChecks", checks).forEach(this::healthCheck);
      return this;
    }

    /** The alert rules to evaluate; default {@link AlertRules#defaults()}. */
    public Builder alertRules(AlertRules rules) {
      this.alertRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** A scaling advisor to evaluate with the alert rules. */
    public Builder scalingAdvisor(ScalingAdvisor advisor) {
      this.advisor = Objects.requireNonNull(advisor, "advisor");
      return this;
    }

    /**
     * The time source for rule durations and timestamps; default the request metrics' one, else the
     * system's.
     */
    public Builder timeSource(TimeSource time) {
      this.time = Require.nonNull("timeSource", time);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException if two health checks share a name, or the performance window
     *     is set without request metrics or is not one of their windows
     * @throws IllegalStateException if the scaling advisor already serves another monitor
     */
    public Monitor build() {
      Set<String> names = new HashSet<>();
      for (HealthCheck check : healthChecks) {
        Require.that(
            names.add(check.name()),
            "healthChecks",
            "'" + check.name() + "' twice",
            "have unique names");
      }
      Duration window;
      if (requests == null) {
        if (performanceWindow != null) {
          throw new IllegalArgumentException(
              "performanceWindow " + performanceWindow + " needs request metrics");
        }
        window = Duration.ZERO;
      } else if (performanceWindow == null) {
        window = requests.config().shortestWindow();
      } else if (!requests.config().windows().contains(performanceWindow)) {
        throw new IllegalArgumentException(
            "performanceWindow must be one of the request metrics' windows "
                + requests.config().windows()
                + ", was "
                + performanceWindow);
      } else {
        window = performanceWindow;
      }
      if (advisor != null) {
        advisor.attach();
      }
      return new Monitor(this, window);
    }
  }
}
