/** Value codecs: JSON on Jackson, raw bytes and UTF-8 strings. */
@NullMarked
package dev.headroom.core.codec;

import org.jspecify.annotations.NullMarked;
