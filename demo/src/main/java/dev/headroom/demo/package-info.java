/** A runnable tour of Headroom on the embedded default. */
@NullMarked
package dev.headroom.demo;

import org.jspecify.annotations.NullMarked;
