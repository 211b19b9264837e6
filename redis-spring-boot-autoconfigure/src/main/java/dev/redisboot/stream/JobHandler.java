package dev.redisboot.stream;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method that runs jobs of one type enqueued with {@link JobQueue}. The method
 * takes the payload, converted from JSON to the parameter's type, and optionally a
 * {@link StreamDelivery}. Returning acknowledges the job; throwing retries it with
 * exponential back-off and, after {@code redisboot.jobs.max-attempts}, moves it to the jobs'
 * dead-letter stream.
 *
 * @author redisboot
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(HandlerMethodReflectiveProcessor.class)
public @interface JobHandler {

	/**
	 * The job type, as passed to {@link JobQueue#enqueue(String, Object)}.
	 * @return the type
	 */
	String value();

}
