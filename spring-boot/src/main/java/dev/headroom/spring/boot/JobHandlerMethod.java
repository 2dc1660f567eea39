package dev.headroom.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of one job type, as a {@link QueueJobHandler} bean would be:
 * the workers of {@link #queue()} call it for every job of {@link #type()}.
 *
 * <pre>{@code
 * @Component
 * class Mailer {
 *   @JobHandlerMethod(type = "email", queue = "mail")
 *   public void send(Email email) { ... }        // or send(Job<Email> job) to see attempt, id, ...
 * }
 * }</pre>
 *
 * <p>The method must be public, not static, return {@code void} and take one parameter: the payload
 * or {@code Job<Payload>}. A method that breaks a rule fails startup, naming the bean, the method
 * and the rule. The job type is the {@code JobType} bean whose name is {@link #type()} when there
 * is one (its codec and retry policy), else {@code JobType.of(type, payloadClass)}: JSON of the
 * parameter's class with the default retry policy. Returning completes the job; throwing fails the
 * attempt (retried with backoff), as for any {@code JobHandler}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface JobHandlerMethod {

  /** The job type's name. */
  String type();

  /** The queue whose workers run it; {@code "default"} unless given. */
  String queue() default "default";
}
