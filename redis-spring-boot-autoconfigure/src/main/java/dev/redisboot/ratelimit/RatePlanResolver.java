package dev.redisboot.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the plan (such as {@code free} or {@code pro}) whose limits apply to a request, for
 * rules with {@code plans}, and vouches for the request's client. A bean of this type is
 * required when a rule has plans; the servlet filter and {@link RateLimited @RateLimited} ask
 * it alike, on the servlet stack and on WebFlux. On WebFlux it runs on an event-loop thread:
 * it must not block (look plans up in memory, or in a cache kept fresh elsewhere).
 */
@FunctionalInterface
public interface RatePlanResolver {

	/**
	 * The plan of the client making a request. This is also where a client is checked: for
	 * a request whose client is unknown (an API key that belongs to no client, or none at
	 * all), return {@code null}. The request then counts as having no client key, on the
	 * filter's path and on {@code @RateLimited}'s alike, and the rule's {@code missing-key}
	 * applies: {@code deny} answers 401, {@code ip} limits it in the client IP's bucket with
	 * the rule's own limits. So invented keys cannot each get a fresh bucket.
	 * @param request the request
	 * @param rule the rule's name
	 * @return the plan's name, or {@code null} for an unknown client (a name the rule does
	 * not list gets the rule's own limits, with a warning)
	 */
	@Nullable String resolvePlan(RateLimitRequest request, String rule);

}
