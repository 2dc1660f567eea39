/** Time sources: the system clock and a manual one that tests advance by hand. */
@NullMarked
package dev.headroom.core.time;

import org.jspecify.annotations.NullMarked;
