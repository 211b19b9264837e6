package dev.redisboot.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.util.Assert;
import org.springframework.web.util.pattern.PathPattern;

/**
 * A validated rate-limit rule.
 *
 * @param name the rule's name, used in Redis keys, headers and metrics
 * @param paths the request paths it applies to; empty for a rule used only by
 * {@link RateLimited @RateLimited}
 * @param methods the HTTP methods it applies to; empty for all
 * @param key tells which client a request comes from
 * @param keyKind how the key is described, such as {@code ip} or {@code header:X-API-Key}
 * @param missingKey what happens to a request without a key
 * @param limits the limits, or the default ones when the rule has plans
 * @param plans limits by plan name
 * @param onRedisFailure what happens while Redis is unavailable
 * @param headers whether responses carry the rate-limit headers
 * @param stage whether the rule runs before or after authentication
 */
public record RateLimitRule(String name, List<PathPattern> paths, Set<String> methods, ClientKeyResolver key,
		String keyKind, MissingKey missingKey, List<Limit> limits, Map<String, List<Limit>> plans,
		RedisFailureAction onRedisFailure, boolean headers, Stage stage) {

	public RateLimitRule {
		Assert.hasText(name, "name must not be empty");
		Assert.notEmpty(limits, "a rule needs at least one limit");
	}

	/**
	 * Whether the rule applies to a request.
	 * @param method the request's method
	 * @param path the request's path within the application
	 * @return whether it applies
	 */
	public boolean matches(String method, PathContainer path) {
		if (!this.methods.isEmpty() && !this.methods.contains(method)) {
			return false;
		}
		for (PathPattern pattern : this.paths) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The limits of a plan.
	 * @param plan the plan, or {@code null}
	 * @return its limits, or the rule's own
	 */
	public List<Limit> limitsFor(@Nullable String plan) {
		List<Limit> planLimits = (plan != null) ? this.plans.get(plan) : null;
		return (planLimits != null) ? planLimits : this.limits;
	}

	/**
	 * What happens to a request that has no client key.
	 */
	public enum MissingKey {

		/**
		 * Turned away with 401: the rule needs a user or an API key.
		 */
		DENY,

		/**
		 * Limited by client IP instead (a bucket of its own per IP, never shared with keyed
		 * clients).
		 */
		IP

	}

	/**
	 * What happens while Redis is unavailable.
	 */
	public enum RedisFailureAction {

		/**
		 * Requests go through unlimited.
		 */
		ALLOW,

		/**
		 * Requests are turned away with 503.
		 */
		DENY,

		/**
		 * Each instance limits on its own, with in-JVM buckets of the same limits, until
		 * Redis is back: a client may get up to the limit once per instance.
		 */
		LOCAL

	}

	/**
	 * When a rule runs relative to authentication (Spring Security's filter chain, order
	 * -100).
	 */
	public enum Stage {

		/**
		 * Before authentication: cheap rejection of floods by IP or API key.
		 */
		BEFORE_AUTHENTICATION,

		/**
		 * After authentication, when the user is known.
		 */
		AFTER_AUTHENTICATION

	}

}
