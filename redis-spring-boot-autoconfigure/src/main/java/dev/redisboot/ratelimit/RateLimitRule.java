package dev.redisboot.ratelimit;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.util.Assert;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A validated rate-limit rule. The auto-configuration builds one per entry of
 * {@code redisboot.rate-limit.rules}; a {@code RateLimitRuleCustomizer} bean changes it
 * through its {@link Builder} before the filters and {@link RateLimited @RateLimited} use it.
 *
 * @param name the rule's name, used in Redis keys, headers and metrics
 * @param paths the request paths it applies to; empty for a rule used only by
 * {@link RateLimited @RateLimited}
 * @param methods the HTTP methods it applies to; empty for all
 * @param key tells which client a request comes from
 * @param keyKind how the key is described, such as {@code ip} or {@code header:X-API-Key}
 * @param missingKey what happens to a request without a known client
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
	 * A builder that starts from this rule's settings, to change some of them.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
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
	 * What happens to a request or {@link RateLimited @RateLimited} call without a known
	 * client: one without a client key, or, for a rule with plans, one whose client the
	 * {@link RatePlanResolver} does not know (it returns {@code null}, as for an invented
	 * API key). The filter and {@code @RateLimited} treat both alike.
	 */
	public enum MissingKey {

		/**
		 * Turned away with 401 (from {@code @RateLimited}: a
		 * {@link RateLimitExceededException}, answered 401 in Spring MVC): the rule needs a
		 * known user or API key.
		 */
		DENY,

		/**
		 * Limited by client IP instead, with the rule's own limits (a bucket of its own per
		 * IP, never shared with keyed clients), so that invented keys share one bucket
		 * rather than each getting a fresh one.
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

	/**
	 * Changes a rule's settings; its name stays. Each method replaces the setting it names.
	 */
	public static final class Builder {

		private final String name;

		private List<PathPattern> paths;

		private Set<String> methods;

		private ClientKeyResolver key;

		private String keyKind;

		private MissingKey missingKey;

		private List<Limit> limits;

		private final Map<String, List<Limit>> plans;

		private RedisFailureAction onRedisFailure;

		private boolean headers;

		private Stage stage;

		private Builder(RateLimitRule rule) {
			this.name = rule.name;
			this.paths = rule.paths;
			this.methods = rule.methods;
			this.key = rule.key;
			this.keyKind = rule.keyKind;
			this.missingKey = rule.missingKey;
			this.limits = rule.limits;
			this.plans = new LinkedHashMap<>(rule.plans);
			this.onRedisFailure = rule.onRedisFailure;
			this.headers = rule.headers;
			this.stage = rule.stage;
		}

		/**
		 * The request paths the rule applies to; none for a rule used only by
		 * {@link RateLimited @RateLimited}.
		 * @param patterns {@link PathPattern} patterns such as {@code /api/**}
		 * @return this builder
		 */
		public Builder paths(String... patterns) {
			this.paths = Arrays.stream(patterns).map(PathPatternParser.defaultInstance::parse).toList();
			return this;
		}

		/**
		 * The HTTP methods the rule applies to; none for all.
		 * @param methods methods such as {@code GET}
		 * @return this builder
		 */
		public Builder methods(String... methods) {
			Set<String> upper = new LinkedHashSet<>();
			for (String method : methods) {
				upper.add(method.trim().toUpperCase(Locale.ROOT));
			}
			this.methods = upper;
			return this;
		}

		/**
		 * Who a bucket belongs to.
		 * @param kind how the key is described in messages, such as {@code header:X-API-Key}
		 * @param key tells which client a request comes from
		 * @return this builder
		 */
		public Builder key(String kind, ClientKeyResolver key) {
			this.keyKind = kind;
			this.key = key;
			return this;
		}

		/**
		 * What happens to a request without a known client.
		 * @param missingKey what happens
		 * @return this builder
		 */
		public Builder missingKey(MissingKey missingKey) {
			this.missingKey = missingKey;
			return this;
		}

		/**
		 * The rule's own limits: those of clients without a plan.
		 * @param limits at least one limit
		 * @return this builder
		 */
		public Builder limits(Limit... limits) {
			this.limits = List.of(limits);
			return this;
		}

		/**
		 * The limits of one plan, added or replaced.
		 * @param plan the plan's name, as the {@link RatePlanResolver} returns it
		 * @param limits at least one limit
		 * @return this builder
		 */
		public Builder plan(String plan, Limit... limits) {
			Assert.notEmpty(limits, "a plan needs at least one limit");
			this.plans.put(plan, List.of(limits));
			return this;
		}

		/**
		 * Removes a plan: its clients get the rule's own limits.
		 * @param plan the plan's name
		 * @return this builder
		 */
		public Builder removePlan(String plan) {
			this.plans.remove(plan);
			return this;
		}

		/**
		 * What happens while Redis is unavailable.
		 * @param onRedisFailure what happens
		 * @return this builder
		 */
		public Builder onRedisFailure(RedisFailureAction onRedisFailure) {
			this.onRedisFailure = onRedisFailure;
			return this;
		}

		/**
		 * Whether responses carry the rate-limit headers.
		 * @param headers whether they do
		 * @return this builder
		 */
		public Builder headers(boolean headers) {
			this.headers = headers;
			return this;
		}

		/**
		 * Whether the rule runs before or after authentication.
		 * @param stage the stage
		 * @return this builder
		 */
		public Builder stage(Stage stage) {
			this.stage = stage;
			return this;
		}

		/**
		 * The rule.
		 * @return the rule
		 */
		public RateLimitRule build() {
			return new RateLimitRule(this.name, List.copyOf(this.paths), Collections.unmodifiableSet(
					new LinkedHashSet<>(this.methods)), this.key, this.keyKind, this.missingKey, List.copyOf(this.limits),
					Collections.unmodifiableMap(new LinkedHashMap<>(this.plans)), this.onRedisFailure, this.headers,
					this.stage);
		}

	}

}
