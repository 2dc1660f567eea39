package dev.headroom.spring.boot;

import dev.headroom.queue.web.AccessCheck;
import java.util.Objects;

/**
 * Who may read the queues' operator page and who may act on it: declare one as a bean and the
 * starter's page uses its checks. Without one, anyone who reaches the page reads it, and actions
 * (when {@code headroom.queue.operator-page.actions-enabled}) are allowed to requests with an
 * authenticated principal only.
 *
 * <p>The checks see the request's principal as the server's authentication (Spring Security, for
 * one) set it; map them to roles there, for instance {@code AccessCheck.principalIn("ada")} or a
 * check of a role header your gateway adds. Checks must be thread-safe and fast; one that throws
 * refuses.
 *
 * @param read who may see the page and its JSON (others get 403)
 * @param act who may pause, resume, cancel, replay and purge when actions are enabled (others get
 *     403)
 */
public record OperatorPageAccess(AccessCheck read, AccessCheck act) {

  /** Allows requests with an authenticated principal. */
  public static final AccessCheck AUTHENTICATED = request -> request.principal().isPresent();

  /** Checks {@code read} and {@code act}; neither may be null. */
  public OperatorPageAccess {
    Objects.requireNonNull(read, "read");
    Objects.requireNonNull(act, "act");
  }

  /**
   * The default: reads allowed to every request that reaches the page, actions to requests with an
   * authenticated principal.
   */
  public static OperatorPageAccess ofDefaults() {
    return new OperatorPageAccess(AccessCheck.allowAll(), AUTHENTICATED);
  }
}
