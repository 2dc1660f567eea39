/** The seam between the limiter front and its backends; not exported. */
@NullMarked
package dev.headroom.ratelimit.spi;

import org.jspecify.annotations.NullMarked;
