package dev.headroom.monitoring;

/** How urgent a firing alert is, from least to most. */
public enum Severity {
  /** Worth knowing; nobody needs to act now. */
  INFO,
  /** Degrading; someone should look during working hours. */
  WARNING,
  /** Users are affected; page someone. */
  CRITICAL
}
