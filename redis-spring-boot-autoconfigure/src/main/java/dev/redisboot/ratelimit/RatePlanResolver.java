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
	 * The plan of the client making a request.
	 * @param request the request
	 * @param rule the rule's name
	 * @return the plan's name, or {@code null} for the rule's own limits (an unknown name
	 * also gets the rule's own limits, with a warning)
	 */
	@Nullable String resolvePlan(HttpServletRequest request, String rule);

}
