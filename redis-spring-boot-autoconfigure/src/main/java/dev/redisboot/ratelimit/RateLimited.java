package dev.redisboot.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits calls of a bean method with a rule of {@code redisboot.rate-limit.rules}: each call
 * takes one request from the bucket of its key, and a call over the limit throws
 * {@link RateLimitExceededException} without running the method (answered with 429 in Spring
 * MVC). The rule's limits, plans and failure mode apply; its paths do not matter.
 *
 * <pre class="code">
 * &#64;RateLimited(rule = "password-reset", key = "#email")
 * public void sendPasswordReset(String email) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

	/**
	 * Name of the rule whose limits apply.
	 * @return the rule's name
	 */
	String rule();

	/**
	 * SpEL expression over the method's arguments ({@code #email}, {@code #p0}) giving the
	 * client key. When empty, the rule's own key is taken from the current HTTP request.
	 * @return the key expression
	 */
	String key() default "";

}
