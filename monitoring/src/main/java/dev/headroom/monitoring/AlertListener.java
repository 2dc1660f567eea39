package dev.headroom.monitoring;

/**
 * Receives alert events, on the thread that evaluates the rules. Must be quick and must not block
 * (hand slow work, such as paging, to an executor). An exception it throws is logged and does not
 * stop other listeners or later evaluations.
 */
@FunctionalInterface
public interface AlertListener {

  /** Called once for every fired and every resolved event, in order. */
  void onEvent(AlertEvent event);
}
