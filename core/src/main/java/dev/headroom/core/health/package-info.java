/**
 * The health SPI: each primitive reports a named status with details; monitoring aggregates them.
 */
@NullMarked
package dev.headroom.core.health;

import org.jspecify.annotations.NullMarked;
