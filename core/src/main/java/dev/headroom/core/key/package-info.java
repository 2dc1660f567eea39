/** Key spaces: namespaced, cluster-safe, glob-safe Redis keys. */
@NullMarked
package dev.headroom.core.key;

import org.jspecify.annotations.NullMarked;
