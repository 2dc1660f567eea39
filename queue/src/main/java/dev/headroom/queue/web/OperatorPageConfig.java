package dev.headroom.queue.web;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link OperatorPage} behaves: who may read it, whether and by whom actions may be taken,
 * which origins may post them, and the page size. Immutable: {@link #builder()}, {@link
 * #ofDefaults()}, {@link #toBuilder()}; {@link Builder#build()} checks every value and fails with
 * the field, the value and the rule.
 *
 * <p>The defaults are read-only: anyone who reaches the page reads it, nobody acts. Enabling
 * actions ({@link Builder#actionsEnabled}) should come with an {@link Builder#actAccess} check.
 */
public final class OperatorPageConfig {

  /** Jobs per page by default. */
  public static final int DEFAULT_PAGE_SIZE = 25;

  /** The most jobs a page may list. */
  public static final int MAX_PAGE_SIZE = 500;

  /** The shortest {@link Builder#csrfSecret} accepted. */
  public static final int MIN_SECRET_LENGTH = 32;

  private final boolean actionsEnabled;
  private final AccessCheck readAccess;
  private final AccessCheck actAccess;
  private final int pageSize;
  private final Set<String> allowedOrigins;
  private final @Nullable String csrfSecret;
  private final TimeSource timeSource;
  private final String title;

  private OperatorPageConfig(Builder b) {
    this.actionsEnabled = b.actionsEnabled;
    this.readAccess = b.readAccess;
    this.actAccess = b.actAccess;
    this.pageSize = b.pageSize;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
    this.csrfSecret = b.csrfSecret;
    this.timeSource = b.timeSource;
    this.title = b.title;
  }

  /** The defaults: read-only, readable by anyone who reaches it, 25 jobs a page. */
  public static OperatorPageConfig ofDefaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.actionsEnabled = actionsEnabled;
    b.readAccess = readAccess;
    b.actAccess = actAccess;
    b.pageSize = pageSize;
    b.allowedOrigins.addAll(allowedOrigins);
    b.csrfSecret = csrfSecret;
    b.timeSource = timeSource;
    b.title = title;
    return b;
  }

  /** Whether actions are served at all; false means read-only. */
  public boolean actionsEnabled() {
    return actionsEnabled;
  }

  /** Who may see the page and its JSON. */
  public AccessCheck readAccess() {
    return readAccess;
  }

  /** Who may act, when actions are enabled. */
  public AccessCheck actAccess() {
    return actAccess;
  }

  /** Jobs listed per page. */
  public int pageSize() {
    return pageSize;
  }

  /**
   * Origins ({@code scheme://host[:port]}, lower case) allowed to post actions besides the page's
   * own host.
   */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** The secret the anti-forgery tokens are signed with; empty: a random one per page. */
  public Optional<String> csrfSecret() {
    return Optional.ofNullable(csrfSecret);
  }

  /** The clock for "last minute" throughput. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The page title. */
  public String title() {
    return title;
  }

  @Override
  public String toString() {
    return "OperatorPageConfig[actionsEnabled="
        + actionsEnabled
        + ", pageSize="
        + pageSize
        + ", allowedOrigins="
        + allowedOrigins
        + ", csrfSecret="
        + (csrfSecret == null ? "random" : "set")
        + ", title="
        + title
        + "]";
  }

  /** Builds an {@link OperatorPageConfig}; not thread-safe. */
  public static final class Builder {

    private boolean actionsEnabled;
    private AccessCheck readAccess = AccessCheck.allowAll();
    private AccessCheck actAccess = AccessCheck.allowAll();
    private int pageSize = DEFAULT_PAGE_SIZE;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private @Nullable String csrfSecret;
    private TimeSource timeSource = TimeSource.system();
    private String title = "Headroom queues";

    private Builder() {}

    /**
     * Serves the actions (pause, resume, cancel, replay, purge) to requests {@link #actAccess}
     * allows; default false: read-only, every action refused with 403.
     */
    public Builder actionsEnabled(boolean enabled) {
      this.actionsEnabled = enabled;
      return this;
    }

    /** Who may see the page; default {@link AccessCheck#allowAll()}. Others get 403. */
    public Builder readAccess(AccessCheck check) {
      this.readAccess = Require.nonNull("readAccess", check);
      return this;
    }

    /**
     * Who may act when actions are enabled; default {@link AccessCheck#allowAll()} (everyone who
     * may post from the page's own origin). Others get 403.
     */
    public Builder actAccess(AccessCheck check) {
      this.actAccess = Require.nonNull("actAccess", check);
      return this;
    }

    /** Jobs per page, 1..500; default 25. */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /**
     * Also accepts actions posted from {@code origin} ({@code scheme://host[:port]}), for a page
     * behind a proxy that changes the {@code Host} header; by default only the page's own host is.
     */
    public Builder allowOrigin(String origin) {
      Require.notBlank("allowedOrigins", origin);
      URI uri;
      try {
        uri = new URI(origin);
      } catch (URISyntaxException e) {
        throw Require.fail("allowedOrigins", origin, "be scheme://host[:port]");
      }
      Require.that(
          uri.getScheme() != null
              && uri.getHost() != null
              && (uri.getPath() == null || uri.getPath().isEmpty())
              && uri.getQuery() == null,
          "allowedOrigins",
          origin,
          "be scheme://host[:port] with no path");
      allowedOrigins.add(origin.toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Signs the anti-forgery tokens with {@code secret} (at least 32 characters), so several
     * instances behind one balancer accept each other's forms; default a random secret per page.
     */
    public Builder csrfSecret(String secret) {
      Require.nonNull("csrfSecret", secret);
      Require.that(
          secret.length() >= MIN_SECRET_LENGTH,
          "csrfSecret",
          "(" + secret.length() + " characters)",
          "be at least " + MIN_SECRET_LENGTH + " characters");
      this.csrfSecret = secret;
      return this;
    }

    /** The clock for throughput; default {@link TimeSource#system()}. */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /** The page title; default "Headroom queues". */
    public Builder title(String title) {
      this.title = Require.notBlank("title", title);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if the page size is out of range
     */
    public OperatorPageConfig build() {
      Require.inRange("pageSize", pageSize, 1, MAX_PAGE_SIZE);
      return new OperatorPageConfig(this);
    }
  }
}
