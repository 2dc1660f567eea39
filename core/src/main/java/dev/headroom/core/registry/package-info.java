/** Named instances of a primitive: the one registry every module's registry builds on. */
@NullMarked
package dev.headroom.core.registry;

import org.jspecify.annotations.NullMarked;
