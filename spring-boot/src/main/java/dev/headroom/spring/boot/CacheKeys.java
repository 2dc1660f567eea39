package dev.headroom.spring.boot;

import java.lang.reflect.Method;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * Turns Spring's {@code Object} cache keys into Headroom's String keys, predictably: a String,
 * number, boolean, character, enum (its name), UUID or java.time value is its {@code toString()}; a
 * record is its {@code toString()} (its components); several method arguments ({@code SimpleKey} or
 * this key generator's own) are joined with ',' after escaping ',' and '\'; no argument is {@code
 * "_"}. Anything else is refused, naming its type: give such a method {@code key = "#p.id"}.
 */
public final class CacheKeys implements KeyGenerator {

  /** The key for no arguments. */
  public static final String EMPTY = "_";

  /** A key generator making the same keys from a method's arguments. */
  @Override
  public Object generate(Object target, Method method, @Nullable Object... params) {
    if (params.length == 0) {
      return EMPTY;
    }
    if (params.length == 1) {
      return toKey(params[0]);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < params.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(escape(toKey(params[i])));
    }
    return sb.toString();
  }

  /** The String key for {@code key}. */
  public static String toKey(@Nullable Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof String s) {
      return s.isEmpty() ? EMPTY : s;
    }
    if (key instanceof SimpleKey simple) {
      return simple.equals(SimpleKey.EMPTY) ? EMPTY : simple.toString();
    }
    if (key instanceof Enum<?> e) {
      return e.name();
    }
    if (key instanceof CharSequence
        || key instanceof Number
        || key instanceof Boolean
        || key instanceof Character
        || key instanceof UUID
        || key instanceof TemporalAccessor
        || key.getClass().isRecord()) {
      return key.toString();
    }
    throw new IllegalArgumentException(
        "a cache key of type "
            + key.getClass().getName()
            + " has no predictable String form; give the method key = \"...\" (SpEL) naming"
            + " its identifying fields, or use a String, number, enum, UUID or record");
  }

  private static String escape(String part) {
    return part.replace("\\", "\\\\").replace(",", "\\,");
  }
}
