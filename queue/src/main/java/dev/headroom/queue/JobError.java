package dev.headroom.queue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * The error a job failed with, kept with the job: the exception's class name, message and stack
 * trace trimmed to {@value #MAX_STACK_CHARS} characters.
 *
 * @param className the exception's class name, or a reason such as {@code stalled} when no
 *     exception was thrown
 * @param message the message, empty when there was none
 * @param stackTrace the trimmed stack trace, possibly empty
 */
public record JobError(String className, String message, String stackTrace) {

  /** How many characters of a stack trace are kept. */
  public static final int MAX_STACK_CHARS = 4000;

  /** How many characters of a message are kept. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** Checks for nulls. */
  public JobError {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(stackTrace, "stackTrace");
  }

  /** The error of {@code failure}, with its message and stack trace trimmed. */
  public static JobError of(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return new JobError(
        failure.getClass().getName(),
        trim(failure.getMessage() == null ? "" : failure.getMessage(), MAX_MESSAGE_CHARS),
        trim(out.toString(), MAX_STACK_CHARS));
  }

  static String trim(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
