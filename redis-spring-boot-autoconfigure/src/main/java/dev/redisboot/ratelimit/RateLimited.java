package dev.redisboot.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Limits calls of a bean method with a rule of {@code redisboot.rate-limit.rules}: each call
 * takes one request from the bucket of its key, and a call over the limit throws
 * {@link RateLimitExceededException} without running the method (answered with 429 in Spring
 * MVC). The rule's limits, plans, {@code missing-key} and failure mode apply as for the
 * servlet filter (a call whose HTTP client the {@link RatePlanResolver} does not know counts
 * as having no key); its paths do not matter.
 * <p>
 * Meta-annotated with {@link Reflective @Reflective}, so that Spring AOT registers annotated
 * methods of beans for reflection in a native image. A key expression that navigates into
 * an argument ({@code #user.email}) needs the argument's type registered too.
 *
 * <pre class="code">
 * &#64;RateLimited(rule = "password-reset", key = "#email")
 * public void sendPasswordReset(String email) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective
public @interface RateLimited {

	/**
	 * Name of the rule whose limits apply.
	 * @return the rule's name
	 */
	String rule();

	/**
	 * SpEL expression over the method's arguments ({@code #email}, {@code #p0}) giving the
	 * client key; an empty or null value means the call has no key, and the rule's
	 * {@code missing-key} applies. When not set, the rule's own key is taken from the current
	 * HTTP request.
	 * @return the key expression
	 */
	String key() default "";

}
