package dev.redisboot.stream;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method that consumes entries of a Redis stream as a member of a consumer
 * group. The group is created if absent (with the stream, {@code MKSTREAM}); an entry is
 * acknowledged only after the method returns; an exception schedules a retry with
 * exponential back-off and, after {@link #maxAttempts()}, moves the entry to the stream's
 * dead-letter stream with the error; entries left pending by a consumer that died are
 * reclaimed after {@code redisboot.stream.reclaim-idle}. Nothing the method throws ever
 * ends the subscription.
 * <p>
 * The method takes the payload, converted from JSON to the parameter's type (or as
 * {@code String} or {@code byte[]}), and optionally a {@link StreamDelivery} with the entry's
 * id and attempt number.
 *
 * @author redisboot
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(HandlerMethodReflectiveProcessor.class)
public @interface RedisStreamListener {

	/**
	 * The stream's name, without the key prefix: entries live at
	 * {@code [prefix:]stream:{<name>}}.
	 * @return the stream
	 */
	String stream();

	/**
	 * The consumer group; every group gets every entry, the consumers of one group share
	 * them.
	 * @return the group
	 */
	String group();

	/**
	 * How many entries this instance processes at once, each on a thread and a connection
	 * of its own.
	 * @return the concurrency, at least 1
	 */
	int concurrency() default 1;

	/**
	 * How many times an entry is tried before it goes to the dead-letter stream; 0 for
	 * {@code redisboot.stream.max-attempts}.
	 * @return the attempts
	 */
	int maxAttempts() default 0;

}
