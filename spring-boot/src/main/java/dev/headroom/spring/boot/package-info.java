/**
 * Spring Boot auto-configuration for Headroom: each feature is on by default when its module is on
 * the class path, off with {@code headroom.<feature>.enabled=false}, and yields to a bean of the
 * same type that the application defines.
 */
@NullMarked
package dev.headroom.spring.boot;

import org.jspecify.annotations.NullMarked;
