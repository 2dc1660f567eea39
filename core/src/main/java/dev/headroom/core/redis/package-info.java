/** The Redis connector (Lettuce) for standalone, Sentinel and Cluster, and Lua script execution. */
@NullMarked
package dev.headroom.core.redis;

import org.jspecify.annotations.NullMarked;
