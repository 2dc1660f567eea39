/**
 * Monitoring over Micrometer: request metrics over sliding windows, a health snapshot rendered as
 * JSON, alert rules, scaling advice and an optional HTTP endpoint on the JDK's server.
 *
 * <p>Start with {@link dev.headroom.monitoring.RequestMetrics} and {@link
 * dev.headroom.monitoring.Monitor}. The meters this module reads from the other modules are listed
 * in {@link dev.headroom.core.metrics.HeadroomMeters}, the one list that every module publishes
 * under.
 */
@NullMarked
package dev.headroom.monitoring;

import org.jspecify.annotations.NullMarked;
