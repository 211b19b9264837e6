package dev.redisboot.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import dev.redisboot.ratelimit.Limit;
import dev.redisboot.ratelimit.RateLimitRule.MissingKey;
import dev.redisboot.ratelimit.RateLimitRule.RedisFailureAction;
import dev.redisboot.ratelimit.RateLimitRule.Stage;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of redisboot's rate limiting. Plain JavaBeans for binding and
 * metadata: {@link RateLimitSettingsResolver} checks them.
 * <p>
 * {@code rules} is a list, and Spring Boot takes a list whole from the highest-priority
 * source that sets any element of it: {@code --redisboot.rate-limit.rules[0].key=user} on
 * the command line replaces every rule of {@code application.yml} by one rule with only a
 * key. The resolver reports such a replaced list as such.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.rate-limit")
public class RedisbootRateLimitProperties {

	/**
	 * Whether to auto-configure rate limiting (it is active only when rules are configured).
	 */
	private boolean enabled = true;

	/**
	 * Which of the rules matching a request apply: 'all' (each takes one request from its
	 * bucket) or 'first' (only the first matching rule, in the order listed).
	 */
	private Strategy strategy = Strategy.ALL;

	/**
	 * Longest time one rate-limit decision may wait for Redis before it counts as a Redis
	 * failure and the rule's 'on-redis-failure' applies.
	 */
	private Duration timeout = Duration.ofMillis(200);

	/**
	 * Circuit breaker that stops calling Redis during an outage.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	private final FilterOrder filterOrder = new FilterOrder();

	/**
	 * Rules, applied in this order. A list is taken whole from the highest-priority source
	 * that sets any of it: a rule set on the command line or in the environment replaces all
	 * rules of application.yml, so set every field of it there.
	 */
	private List<Rule> rules = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Strategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(Strategy strategy) {
		this.strategy = strategy;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public FilterOrder getFilterOrder() {
		return this.filterOrder;
	}

	public List<Rule> getRules() {
		return this.rules;
	}

	public void setRules(List<Rule> rules) {
		this.rules = rules;
	}

	/**
	 * Which matching rules apply.
	 */
	public enum Strategy {

		/**
		 * Every matching rule.
		 */
		ALL,

		/**
		 * Only the first matching rule.
		 */
		FIRST

	}


	/**
	 * Orders of the two rate-limit filters (servlet filters, or WebFlux web filters), around
	 * Spring Security's filter chain (order -100 on both stacks).
	 */
	public static class FilterOrder {

		/**
		 * Order of the filter of rules that run before authentication (by default those
		 * keyed by 'ip' or a header).
		 */
		private int beforeAuthentication = -110;

		/**
		 * Order of the filter of rules that run after authentication (by default those
		 * keyed by 'user' or an expression).
		 */
		private int afterAuthentication = -90;

		public int getBeforeAuthentication() {
			return this.beforeAuthentication;
		}

		public void setBeforeAuthentication(int beforeAuthentication) {
			this.beforeAuthentication = beforeAuthentication;
		}

		public int getAfterAuthentication() {
			return this.afterAuthentication;
		}

		public void setAfterAuthentication(int afterAuthentication) {
			this.afterAuthentication = afterAuthentication;
		}

	}

	/**
	 * One rule.
	 */
	public static class Rule {

		/**
		 * Name of the rule (letters, digits, '-' and '_'), used in Redis keys, headers,
		 * metrics and @RateLimited.
		 */
		private @Nullable String name;

		/**
		 * Request paths the rule applies to, as PathPattern patterns such as '/api/**'.
		 * Without paths the rule is used only by @RateLimited.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * HTTP methods the rule applies to; all when empty.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Limits: each a capacity of requests per period. With plans, the limits of
		 * clients whose plan is not listed, and of those limited by IP under 'missing-key:
		 * ip'.
		 */
		private List<LimitSpec> limits = new ArrayList<>();

		/**
		 * Who a bucket belongs to: 'ip' (the client address as the servlet container
		 * reports it), 'user' (the authenticated principal), 'header:<Name>' (such as
		 * 'header:X-API-Key'), or 'expression' (see 'expression'). The value stands in Redis
		 * keys only as its digest, keyed with 'redisboot.key-digest-secret'.
		 */
		private String key = "ip";

		/**
		 * SpEL expression giving the client key when 'key' is 'expression', over a root
		 * object with 'request', 'ip', 'user' and 'header('Name')'.
		 */
		private @Nullable String expression;

		/**
		 * What happens to a request or @RateLimited call without a known client (no user
		 * signed in, no header, or a key the RatePlanResolver does not know): 'deny' (401)
		 * or 'ip' (limited by client IP instead, with the rule's own limits). The filter and
		 * @RateLimited apply it alike.
		 */
		private MissingKey missingKey = MissingKey.DENY;

		/**
		 * What happens while Redis is unavailable: 'allow' (no limit), 'deny' (503) or
		 * 'local' (each instance limits on its own with the same limits).
		 */
		private RedisFailureAction onRedisFailure = RedisFailureAction.LOCAL;

		/**
		 * Whether responses carry the RateLimit-Policy and RateLimit headers.
		 */
		private boolean headers = true;

		/**
		 * Whether the rule runs before or after authentication; by default before for 'ip'
		 * and header keys, after for 'user' and expressions.
		 */
		private @Nullable Stage stage;

		/**
		 * Limits by plan name (such as 'free' and 'pro'), chosen per request by the
		 * application's RatePlanResolver bean, for the filter and @RateLimited alike. A
		 * client it returns no plan for is unknown and counts as having no key
		 * ('missing-key' applies); a plan name not listed here gets 'limits'.
		 */
		private Map<String, Plan> plans = new LinkedHashMap<>();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public List<LimitSpec> getLimits() {
			return this.limits;
		}

		public void setLimits(List<LimitSpec> limits) {
			this.limits = limits;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public @Nullable String getExpression() {
			return this.expression;
		}

		public void setExpression(@Nullable String expression) {
			this.expression = expression;
		}

		public MissingKey getMissingKey() {
			return this.missingKey;
		}

		public void setMissingKey(MissingKey missingKey) {
			this.missingKey = missingKey;
		}

		public RedisFailureAction getOnRedisFailure() {
			return this.onRedisFailure;
		}

		public void setOnRedisFailure(RedisFailureAction onRedisFailure) {
			this.onRedisFailure = onRedisFailure;
		}

		public boolean isHeaders() {
			return this.headers;
		}

		public void setHeaders(boolean headers) {
			this.headers = headers;
		}

		public @Nullable Stage getStage() {
			return this.stage;
		}

		public void setStage(@Nullable Stage stage) {
			this.stage = stage;
		}

		public Map<String, Plan> getPlans() {
			return this.plans;
		}

		public void setPlans(Map<String, Plan> plans) {
			this.plans = plans;
		}

	}

	/**
	 * One limit.
	 */
	public static class LimitSpec {

		/**
		 * Requests allowed per period (also the largest burst).
		 */
		private long capacity;

		/**
		 * Period of the limit, such as '1m'.
		 */
		private @Nullable Duration period;

		/**
		 * How used requests come back: 'greedy' (gradually, a token bucket) or 'intervally'
		 * (all at once at the end of each period, a fixed window).
		 */
		private Limit.Refill refill = Limit.Refill.GREEDY;

		public long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(long capacity) {
			this.capacity = capacity;
		}

		public @Nullable Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(@Nullable Duration period) {
			this.period = period;
		}

		public Limit.Refill getRefill() {
			return this.refill;
		}

		public void setRefill(Limit.Refill refill) {
			this.refill = refill;
		}

	}

	/**
	 * The limits of one plan.
	 */
	public static class Plan {

		/**
		 * Limits of the plan.
		 */
		private List<LimitSpec> limits = new ArrayList<>();

		public List<LimitSpec> getLimits() {
			return this.limits;
		}

		public void setLimits(List<LimitSpec> limits) {
			this.limits = limits;
		}

	}

}
