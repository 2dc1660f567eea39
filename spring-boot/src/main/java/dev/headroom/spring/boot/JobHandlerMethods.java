package dev.headroom.spring.boot;

import dev.headroom.queue.Job;
import dev.headroom.queue.JobType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds the {@link JobHandlerMethod} methods of every bean as it is initialized, checks their
 * signature at once (a bad one fails startup naming bean, method and rule), and hands them to the
 * workers as {@link QueueJobHandler}s. Thread-safe.
 */
public final class JobHandlerMethods implements BeanPostProcessor {

  private final List<Found> found = new CopyOnWriteArrayList<>();

  /** Creates an empty processor; the starter registers one. */
  public JobHandlerMethods() {}

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    Class<?> target = AopUtils.getTargetClass(bean);
    if (!AnnotationUtils.isCandidateClass(target, JobHandlerMethod.class)) {
      return bean; // java.* and other classes that cannot carry it
    }
    Map<Method, JobHandlerMethod> methods =
        MethodIntrospector.selectMethods(
            target,
            (MethodIntrospector.MetadataLookup<JobHandlerMethod>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, JobHandlerMethod.class));
    methods.forEach((method, annotation) -> found.add(check(bean, beanName, method, annotation)));
    return bean;
  }

  private static Found check(
      Object bean, String beanName, Method method, JobHandlerMethod annotation) {
    String where =
        "@JobHandlerMethod on bean '"
            + beanName
            + "' method "
            + method.getDeclaringClass().getName()
            + "."
            + method.getName()
            + ": ";
    int modifiers = method.getModifiers();
    if (!Modifier.isPublic(modifiers) || Modifier.isStatic(modifiers)) {
      throw new BeanInitializationException(where + "the method must be public and not static");
    }
    if (method.getReturnType() != void.class) {
      throw new BeanInitializationException(where + "the method must return void");
    }
    if (method.getParameterCount() != 1) {
      throw new BeanInitializationException(
          where
              + "the method must take exactly one parameter, the payload or Job<Payload>, not "
              + method.getParameterCount());
    }
    if (annotation.type().isBlank() || annotation.queue().isBlank()) {
      throw new BeanInitializationException(where + "type and queue must not be blank");
    }
    ResolvableType parameter = ResolvableType.forMethodParameter(method, 0);
    boolean wantsJob = Job.class.equals(parameter.toClass());
    Class<?> payload = wantsJob ? parameter.getGeneric(0).resolve() : parameter.resolve();
    if (payload == null || (wantsJob && payload == Object.class)) {
      throw new BeanInitializationException(
          where + "a Job parameter must name its payload type, as Job<Email>");
    }
    Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
    return new Found(bean, beanName, invocable, annotation, payload, wantsJob);
  }

  /**
   * The handlers found so far, on their job types: the {@code JobType} of {@code declared} with the
   * annotation's name when there is one, else JSON of the parameter's class.
   */
  List<QueueJobHandler<?>> handlers(Map<String, JobType<?>> declared) {
    List<QueueJobHandler<?>> out = new ArrayList<>();
    for (Found f : found) {
      JobType<?> type = declared.get(f.annotation.type());
      if (type == null) {
        type = JobType.of(f.annotation.type(), f.payload);
      }
      out.add(f.handler(type));
    }
    return out;
  }

  private record Found(
      Object bean,
      String beanName,
      Method method,
      JobHandlerMethod annotation,
      Class<?> payload,
      boolean wantsJob) {

    <T> QueueJobHandler<T> handler(JobType<T> type) {
      return new QueueJobHandler<>() {
        @Override
        public JobType<T> jobType() {
          return type;
        }

        @Override
        public String queue() {
          return annotation.queue();
        }

        @Override
        public void handle(Job<T> job) throws Exception {
          try {
            method.invoke(bean, wantsJob ? job : job.payload());
          } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
              throw ex;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw e;
          }
        }

        @Override
        public String toString() {
          return "@JobHandlerMethod " + beanName + "." + method.getName();
        }
      };
    }
  }
}
