package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.FailureMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Rate-limit policies, and the rules that apply them to HTTP requests. */
@ConfigurationProperties("headroom.ratelimit")
public class HeadroomRateLimitProperties {

  /** Whether to create the rate limiter registry, the filter and {@code @RateLimited}. */
  private boolean enabled = true;

  /**
   * Policies by name. The presets (api, strict, login, ai, payment) are available by name without
   * being declared; a declared policy of the same name replaces the preset.
   */
  private Map<String, Policy> policies = new LinkedHashMap<>();

  /** Requests the filter limits: each rule counts one policy by path pattern and method. */
  private List<Rule> rules = new ArrayList<>();

  /**
   * Proxies (addresses or CIDR ranges, such as 10.0.0.0/8) whose X-Forwarded-For and Forwarded
   * headers are believed; from any other peer the headers are ignored and the peer is the client.
   */
  private List<String> trustedProxies = new ArrayList<>();

  /**
   * Also send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset besides the draft's
   * RateLimit-Policy and RateLimit fields.
   */
  private boolean legacyHeaders = false;

  /** What limiters do while Redis is unreachable. */
  private @Nullable FailureMode failureMode;

  /**
   * How long a limiter on Redis waits for Redis before it applies the failure mode (the library's
   * default, 250 ms, when unset).
   */
  private @Nullable Duration redisTimeout;

  /** Count and report, but never deny (to try a policy on live traffic). */
  private boolean shadow = false;

  /**
   * The order of the servlet or WebFlux filter (Spring Security's chain is -100; after it by
   * default).
   */
  private int filterOrder = -90;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, Policy> getPolicies() {
    return policies;
  }

  public void setPolicies(Map<String, Policy> policies) {
    this.policies = policies;
  }

  public List<Rule> getRules() {
    return rules;
  }

  public void setRules(List<Rule> rules) {
    this.rules = rules;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public boolean isLegacyHeaders() {
    return legacyHeaders;
  }

  public void setLegacyHeaders(boolean legacyHeaders) {
    this.legacyHeaders = legacyHeaders;
  }

  public @Nullable FailureMode getFailureMode() {
    return failureMode;
  }

  public void setFailureMode(@Nullable FailureMode failureMode) {
    this.failureMode = failureMode;
  }

  /**
   * How long a limiter on Redis waits for Redis before it applies the failure mode.
   *
   * @return the wait, or null for the library's default
   */
  public @Nullable Duration getRedisTimeout() {
    return redisTimeout;
  }

  /**
   * Sets how long a limiter on Redis waits for Redis before it applies the failure mode.
   *
   * @param redisTimeout the wait, or null for the library's default
   */
  public void setRedisTimeout(@Nullable Duration redisTimeout) {
    this.redisTimeout = redisTimeout;
  }

  public boolean isShadow() {
    return shadow;
  }

  public void setShadow(boolean shadow) {
    this.shadow = shadow;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  /** One policy: a preset to start from, or permits per window, or several limits. */
  public static class Policy {

    /** The preset to start from: api, strict, login, ai or payment. */
    private @Nullable String preset;

    /** The counting algorithm. */
    private @Nullable Algorithm algorithm;

    /** Permits per window (with window). */
    private @Nullable Long permits;

    /** The window of permits. */
    private @Nullable Duration window;

    /** Further limits, all enforced (such as 10 per second and 1000 per hour). */
    private List<LimitSpec> limits = new ArrayList<>();

    public @Nullable String getPreset() {
      return preset;
    }

    public void setPreset(@Nullable String preset) {
      this.preset = preset;
    }

    public @Nullable Algorithm getAlgorithm() {
      return algorithm;
    }

    public void setAlgorithm(@Nullable Algorithm algorithm) {
      this.algorithm = algorithm;
    }

    public @Nullable Long getPermits() {
      return permits;
    }

    public void setPermits(@Nullable Long permits) {
      this.permits = permits;
    }

    public @Nullable Duration getWindow() {
      return window;
    }

    public void setWindow(@Nullable Duration window) {
      this.window = window;
    }

    public List<LimitSpec> getLimits() {
      return limits;
    }

    public void setLimits(List<LimitSpec> limits) {
      this.limits = limits;
    }
  }

  /** Permits per window. */
  public static class LimitSpec {

    /** Permits per window. */
    private long permits;

    /** The window. */
    private Duration window = Duration.ofMinutes(1);

    public long getPermits() {
      return permits;
    }

    public void setPermits(long permits) {
      this.permits = permits;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }
  }

  /** One filter rule. */
  public static class Rule {

    /** The policy this rule counts (declared or preset). */
    private String policy = "api";

    /** Path patterns (Spring's PathPattern syntax: /api/**, /users/{id}); empty means all. */
    private List<String> paths = new ArrayList<>();

    /** HTTP methods; empty means all. */
    private List<String> methods = new ArrayList<>();

    /** Whose requests are counted together. */
    private RateLimitKey key = RateLimitKey.IP;

    /** The header whose value is the key, for key=header (such as X-Api-Key). */
    private @Nullable String header;

    public String getPolicy() {
      return policy;
    }

    public void setPolicy(String policy) {
      this.policy = policy;
    }

    public List<String> getPaths() {
      return paths;
    }

    public void setPaths(List<String> paths) {
      this.paths = paths;
    }

    public List<String> getMethods() {
      return methods;
    }

    public void setMethods(List<String> methods) {
      this.methods = methods;
    }

    public RateLimitKey getKey() {
      return key;
    }

    public void setKey(RateLimitKey key) {
      this.key = key;
    }

    public @Nullable String getHeader() {
      return header;
    }

    public void setHeader(@Nullable String header) {
      this.header = header;
    }
  }
}
