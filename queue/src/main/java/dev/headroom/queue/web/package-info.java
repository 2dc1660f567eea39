/**
 * The operator's page of the job queues: {@link dev.headroom.queue.web.OperatorPage} serves HTML
 * (and JSON) with counts, throughput and jobs by state, and, when enabled, actions (pause, resume,
 * cancel, replay, purge), as a core {@link dev.headroom.core.http.Route} that any server mounts.
 */
@NullMarked
package dev.headroom.queue.web;

import org.jspecify.annotations.NullMarked;
