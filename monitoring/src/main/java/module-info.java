/**
 * Monitoring over Micrometer: request metrics over sliding windows (and aggregatable histograms), a
 * health snapshot as JSON, alert rules, scaling advice and an optional HTTP endpoint.
 *
 * <p>HdrHistogram publishes no module name, so it is required by the name derived from its file
 * name, {@code HdrHistogram}; it stays an implementation detail (no API type comes from it).
 */
module dev.headroom.monitoring {
  requires transitive dev.headroom.core;
  requires transitive micrometer.core;
  requires com.fasterxml.jackson.databind;
  requires HdrHistogram;
  requires jdk.httpserver;
  requires org.slf4j;
  requires static org.jspecify;
  requires static micrometer.registry.prometheus;

  exports dev.headroom.monitoring;
}
