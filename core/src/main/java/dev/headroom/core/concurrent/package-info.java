/** Small concurrency helpers shared by the modules. */
@NullMarked
package dev.headroom.core.concurrent;

import org.jspecify.annotations.NullMarked;
