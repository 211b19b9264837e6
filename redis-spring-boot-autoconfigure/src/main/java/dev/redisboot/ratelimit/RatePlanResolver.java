package dev.redisboot.ratelimit;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the plan (such as {@code free} or {@code pro}) whose limits apply to a request, for
 * rules with {@code plans}. A bean of this type is required when a rule has plans.
 */
@FunctionalInterface
public interface RatePlanResolver {

	/**
	 * The plan of the client making a request. This is also where a client key is checked:
	 * for a request whose key (such as an API key) belongs to no client, return
	 * {@code null}, and the rule's {@code missing-key} applies (401, or the client IP's
	 * bucket), so that invented keys cannot each get a fresh bucket.
	 * @param request the request
	 * @param rule the rule's name
	 * @return the plan's name, or {@code null} for an unknown client (a name the rule does
	 * not list gets the rule's own limits, with a warning)
	 */
	@Nullable String resolvePlan(HttpServletRequest request, String rule);

}
