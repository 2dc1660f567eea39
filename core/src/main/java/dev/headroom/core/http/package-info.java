/**
 * A framework-neutral HTTP route SPI: a {@link dev.headroom.core.http.Route} turns a {@link
 * dev.headroom.core.http.RouteRequest} into a {@link dev.headroom.core.http.RouteResponse}, so a
 * module can offer a page or an API once and any server mounts it (monitoring's {@code
 * MonitoringServer}, a servlet, a framework's handler).
 */
@NullMarked
package dev.headroom.core.http;

import org.jspecify.annotations.NullMarked;
