/** Configuration from the environment, validated when it is read. */
@NullMarked
package dev.headroom.core.config;

import org.jspecify.annotations.NullMarked;
