/** JDBC connection pools on HikariCP, with a bound on waiting threads. */
@NullMarked
package dev.headroom.core.jdbc;

import org.jspecify.annotations.NullMarked;
