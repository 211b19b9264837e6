package dev.redisboot.sample.webflux.auth;

import dev.redisboot.ratelimit.RateLimitRequest;
import dev.redisboot.ratelimit.RatePlanResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Tells the rate limiter the plan of a request's API key ({@code free} or {@code pro}), whose
 * limits the {@code api} rule then applies ({@code application.yml}). Requests without a key, or
 * with an unknown one, get {@code null}: the rule's {@code missing-key: ip} then limits them per
 * client address with its default limits, so invented keys buy no fresh allowance.
 * <p>
 * On WebFlux the resolver runs on an event-loop thread and must not block: the accounts are in
 * memory here; an application whose keys live in a database would read a cache kept fresh
 * elsewhere.
 *
 * @author redisboot
 */
@Component
class ApiKeyPlanResolver implements RatePlanResolver {

	static final String HEADER = "X-API-Key";

	private final Users users;

	ApiKeyPlanResolver(Users users) {
		this.users = users;
	}

	@Override
	public @Nullable String resolvePlan(RateLimitRequest request, String rule) {
		String apiKey = request.header(HEADER);
		if (!StringUtils.hasText(apiKey)) {
			return null;
		}
		return this.users.byApiKey(apiKey).map(User::plan).orElse(null);
	}

}
