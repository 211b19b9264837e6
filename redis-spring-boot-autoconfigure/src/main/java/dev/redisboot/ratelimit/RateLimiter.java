package dev.redisboot.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides requests against rules with Bucket4j token buckets in Redis, one bucket per rule,
 * plan and client under {@code [prefix:]rl:{<rule>:<plan>:<client>}}, each expiring once it
 * would be full again. A decision is one Redis round trip for a bucket seen before (see
 * {@link RedisbootProxyManager}). While Redis is unavailable (or the circuit breaker is
 * open) each rule follows its {@link RateLimitRule.RedisFailureAction}, warning once.
 */
public final class RateLimiter {

	static final String FEATURE = "rl";

	private static final Log logger = LogFactory.getLog(RateLimiter.class);

	private static final int MAX_REMEMBERED_STATES = 100_000;

	private static final int MAX_LOCAL_BUCKETS = 100_000;

	private final RedisbootProxyManager proxies;

	private final RedisKeyNamer keyNamer;

	private final RedisCircuitBreaker circuitBreaker;

	private final RateLimitMetrics metrics;

	private final Map<List<Limit>, BucketConfiguration> configurations = new ConcurrentHashMap<>();

	private final Map<String, Bucket> localBuckets = new ConcurrentHashMap<>();

	private final Map<String, Boolean> warned = new ConcurrentHashMap<>();

	private volatile boolean degraded;

	/**
	 * Creates a limiter.
	 * @param commands the Redis commands
	 * @param keyNamer names the bucket keys
	 * @param circuitBreaker stops calling Redis during an outage
	 * @param metrics counts decisions
	 */
	public RateLimiter(LettuceCommands commands, RedisKeyNamer keyNamer, RedisCircuitBreaker circuitBreaker,
			RateLimitMetrics metrics) {
		this.proxies = new RedisbootProxyManager(commands,
				ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(java.time.Duration.ofSeconds(1)),
				MAX_REMEMBERED_STATES);
		this.keyNamer = keyNamer;
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
	}

	/**
	 * Takes one request from a client's bucket.
	 * @param rule the rule
	 * @param clientKey the client's key, from the rule's {@link ClientKeyResolver}
	 * @param plan the client's plan, or {@code null}
	 * @return the decision
	 */
	public RateLimitDecision consume(RateLimitRule rule, String clientKey, @Nullable String plan) {
		String effectivePlan = (plan != null && rule.plans().containsKey(plan)) ? plan : null;
		if (plan != null && effectivePlan == null) {
			warnOnce("plan:" + rule.name() + ":" + plan, "Unknown plan '" + plan + "' for rate-limit rule '"
					+ rule.name() + "'; applying the rule's own limits");
		}
		List<Limit> limits = rule.limitsFor(effectivePlan);
		BucketConfiguration configuration = this.configurations.computeIfAbsent(limits, RateLimiter::configuration);
		String bucket = rule.name() + ":" + ((effectivePlan != null) ? effectivePlan : "-") + ":" + clientKey;
		if (this.circuitBreaker.allowRequest()) {
			boolean reported = false;
			try {
				byte[] key = this.keyNamer.hashTaggedKey(FEATURE, bucket).getBytes(java.nio.charset.StandardCharsets.UTF_8);
				ConsumptionProbe probe = this.proxies.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1);
				this.circuitBreaker.onSuccess();
				reported = true;
				recovered();
				RateLimitDecision decision = decision(rule, limits, probe, RateLimitDecision.Source.REDIS);
				this.metrics.decision(rule.name(), decision.allowed() ? "allowed" : "rejected");
				return decision;
			}
			catch (RuntimeException ex) {
				RedisCommandException failure = redisFailure(ex);
				if (failure == null) {
					throw ex;
				}
				if (failure.isRedisUnavailable()) {
					this.circuitBreaker.onFailure(failure);
					reported = true;
				}
				this.proxies.forget();
				if (logger.isDebugEnabled()) {
					logger.debug("Rate-limit decision for rule '" + rule.name() + "' failed", ex);
				}
			}
			finally {
				if (!reported) {
					this.circuitBreaker.releaseProbe();
				}
			}
		}
		return fallback(rule, limits, configuration, bucket);
	}

	private RateLimitDecision fallback(RateLimitRule rule, List<Limit> limits, BucketConfiguration configuration,
			String bucket) {
		this.degraded = true;
		this.metrics.decision(rule.name(), "error");
		warnOnce("redis:" + rule.name(), "Redis is unavailable for rate limiting; rule '" + rule.name() + "' "
				+ switch (rule.onRedisFailure()) {
					case ALLOW -> "lets requests through unlimited";
					case DENY -> "turns requests away with 503";
					case LOCAL -> "limits on each instance separately";
				} + " until it is back (on-redis-failure: " + rule.onRedisFailure().name().toLowerCase() + ")");
		return switch (rule.onRedisFailure()) {
			case ALLOW -> new RateLimitDecision(rule.name(), limits, true, RateLimitDecision.Source.NONE,
					limits.get(0).capacity(), 0, false);
			case DENY -> new RateLimitDecision(rule.name(), limits, false, RateLimitDecision.Source.NONE, 0, 0,
					rule.headers());
			case LOCAL -> decision(rule, limits, localBucket(bucket, configuration).tryConsumeAndReturnRemaining(1),
					RateLimitDecision.Source.LOCAL);
		};
	}

	private Bucket localBucket(String bucket, BucketConfiguration configuration) {
		if (this.localBuckets.size() >= MAX_LOCAL_BUCKETS) {
			this.localBuckets.clear();
		}
		return this.localBuckets.computeIfAbsent(bucket, (key) -> {
			var builder = Bucket.builder(); // the same limits as in Redis
			for (Bandwidth bandwidth : configuration.getBandwidths()) {
				builder.addLimit(bandwidth);
			}
			return builder.build();
		});
	}

	private void recovered() {
		if (this.degraded) {
			this.degraded = false;
			this.localBuckets.clear();
			this.warned.keySet().removeIf((key) -> key.startsWith("redis:"));
			logger.info("Redis is available for rate limiting again");
		}
	}

	private static RateLimitDecision decision(RateLimitRule rule, List<Limit> limits, ConsumptionProbe probe,
			RateLimitDecision.Source source) {
		if (probe.isConsumed()) {
			return new RateLimitDecision(rule.name(), limits, true, source, probe.getRemainingTokens(),
					seconds(probe.getNanosToWaitForReset()), rule.headers());
		}
		return new RateLimitDecision(rule.name(), limits, false, source, 0,
				Math.max(1, seconds(probe.getNanosToWaitForRefill())), rule.headers());
	}

	private static long seconds(long nanos) {
		return (nanos <= 0) ? 0 : (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
	}

	private static BucketConfiguration configuration(List<Limit> limits) {
		var builder = BucketConfiguration.builder();
		limits.forEach((limit) -> builder.addLimit(limit.toBandwidth()));
		return builder.build();
	}

	private static @Nullable RedisCommandException redisFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandException redis) {
				return redis;
			}
		}
		return null;
	}

	private void warnOnce(String key, String message) {
		if (this.warned.putIfAbsent(key, Boolean.TRUE) == null) {
			logger.warn(message);
		}
	}

}
