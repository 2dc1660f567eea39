package dev.headroom.queue;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Selects dead letters by job type and by the last error's class name (exact match). Immutable.
 *
 * @param type the job type's name, or null for any
 * @param errorClass the error's class name, or null for any
 */
public record DeadLetterFilter(@Nullable String type, @Nullable String errorClass) {

  private static final DeadLetterFilter ALL = new DeadLetterFilter(null, null);

  /** Every dead letter. */
  public static DeadLetterFilter all() {
    return ALL;
  }

  /** Dead letters of one job type. */
  public static DeadLetterFilter type(String type) {
    return new DeadLetterFilter(Objects.requireNonNull(type, "type"), null);
  }

  /** Dead letters of one job type. */
  public static DeadLetterFilter type(JobType<?> type) {
    return type(type.name());
  }

  /** Dead letters whose last error is of class {@code errorClass} (by name, exactly). */
  public static DeadLetterFilter errorClass(Class<? extends Throwable> errorClass) {
    return new DeadLetterFilter(null, errorClass.getName());
  }

  /** This filter also requiring the error's class name {@code errorClass}. */
  public DeadLetterFilter andErrorClass(String errorClass) {
    return new DeadLetterFilter(type, Objects.requireNonNull(errorClass, "errorClass"));
  }

  /** Whether {@code letter} matches. */
  public boolean matches(DeadLetter letter) {
    return (type == null || type.equals(letter.job().type()))
        && (errorClass == null || errorClass.equals(letter.error().className()));
  }
}
