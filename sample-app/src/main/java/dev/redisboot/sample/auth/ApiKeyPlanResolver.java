package dev.redisboot.sample.auth;

import dev.redisboot.ratelimit.RateLimitRequest;
import dev.redisboot.ratelimit.RatePlanResolver;
import dev.redisboot.sample.user.Plan;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Tells the rate limiter the plan of a request's API key ({@code free} or {@code pro}),
 * whose limits the {@code api} rule then applies ({@code application.yml}). Requests without
 * a key, or with an unknown one, get the rule's default limits.
 *
 * @author redisboot
 */
@Component
class ApiKeyPlanResolver implements RatePlanResolver {

	private final ApiKeyService apiKeys;

	ApiKeyPlanResolver(ApiKeyService apiKeys) {
		this.apiKeys = apiKeys;
	}

	@Override
	public @Nullable String resolvePlan(RateLimitRequest request, String rule) {
		String apiKey = request.header(ApiKeyService.HEADER);
		if (!StringUtils.hasText(apiKey)) {
			return null;
		}
		return this.apiKeys.planOf(apiKey).map(Plan::id).orElse(null);
	}

}
