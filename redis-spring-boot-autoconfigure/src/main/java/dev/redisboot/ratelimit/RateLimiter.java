package dev.redisboot.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides requests against rules with token buckets in Redis, one bucket per rule, plan and
 * client under {@code [prefix:]rl:{<rule>:<plan>:<digest>}}, each expiring once it would be
 * full again; the digest is the client key's {@link KeyDigester} digest, so no identity
 * appears in Redis. A decision is one Lua script in Redis, at most one round trip at any
 * concurrency (concurrent decisions on one bucket are batched, see {@link RedisBucketScript});
 * Bucket4j serves only the in-JVM buckets of
 * {@code on-redis-failure: local}. While Redis is unavailable (or the circuit breaker is
 * open), refuses a command ({@code NOPERM}, {@code OOM}) or a decision fails otherwise, each
 * rule follows its {@link RateLimitRule.RedisFailureAction}; a bucket that held bad state is
 * replaced by a fresh one. Such decisions count as {@code error}, and none throws. Logging is
 * bounded: an outage warns at most once a minute per rule, a refusal or bad state once per
 * rule and kind at WARN (then DEBUG, through {@link WarnOnce}), never with a stack trace or
 * a key.
 * <p>
 * The auto-configured bean is API: an application may inject it to decide something other
 * than an HTTP request or a bean method call, with the same rules, buckets and failure
 * modes. Who the client is stays the caller's choice then; the filter and
 * {@link RateLimited @RateLimited} resolve it the same way (see {@link RatePlanResolver}).
 */
public final class RateLimiter {

	static final String FEATURE = "rl";

	/**
	 * The {@link KeyDigester} domain of client keys.
	 */
	static final String DIGEST_DOMAIN = "ratelimit";

	/** Ends the kind of a client key ({@code u=}, {@code ip=}, {@code h=}, {@code e=}, {@code a=}). */
	private static final char KIND_SEPARATOR = '=';

	private static final Log logger = LogFactory.getLog(RateLimiter.class);

	private static final int MAX_LOCAL_BUCKETS = 100_000;

	private static final long QUIET_BETWEEN_OUTAGE_LOGS = TimeUnit.MINUTES.toNanos(1);

	private final RedisBucketScript buckets;

	private final RedisKeyNamer keyNamer;

	private final KeyDigester keyDigester;

	private final WarnOnce problems = new WarnOnce(logger);

	private final RedisCircuitBreaker circuitBreaker;

	private final RateLimitMetrics metrics;

	private final RejectedClients rejectedClients;

	private final Map<List<Limit>, BucketConfiguration> configurations = new ConcurrentHashMap<>();

	private final Map<String, Bucket> localBuckets = new ConcurrentHashMap<>();

	private volatile boolean degraded;

	// a flapping Redis (a timeout now and then) must not log a warning and a recovery per flap
	private final AtomicLong lastRecoveryLogged = new AtomicLong();

	// not WarnOnce: an outage warns again once a minute while it lasts, rather than once per process
	private final Map<String, Long> outageWarned = new ConcurrentHashMap<>();

	/**
	 * Creates a limiter.
	 * @param commands the Redis commands
	 * @param keyNamer names the bucket keys
	 * @param keyDigester digests client keys for the bucket keys
	 * @param circuitBreaker stops calling Redis during an outage
	 * @param metrics counts decisions
	 */
	public RateLimiter(LettuceCommands commands, RedisKeyNamer keyNamer, KeyDigester keyDigester,
			RedisCircuitBreaker circuitBreaker, RateLimitMetrics metrics) {
		this(commands, keyNamer, keyDigester, circuitBreaker, metrics, new RejectedClients());
	}

	/**
	 * Creates a limiter that counts its most rejected clients.
	 * @param commands the Redis commands
	 * @param keyNamer names the bucket keys
	 * @param keyDigester digests client keys for the bucket keys
	 * @param circuitBreaker stops calling Redis during an outage
	 * @param metrics counts decisions
	 * @param rejectedClients counts the most rejected clients of each rule, by digest
	 */
	public RateLimiter(LettuceCommands commands, RedisKeyNamer keyNamer, KeyDigester keyDigester,
			RedisCircuitBreaker circuitBreaker, RateLimitMetrics metrics, RejectedClients rejectedClients) {
		this.rejectedClients = rejectedClients;
		this.buckets = new RedisBucketScript(commands);
		this.keyNamer = keyNamer;
		this.keyDigester = keyDigester;
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
	}

	/**
	 * Takes one request from a client's bucket, and waits for the decision (at most the
	 * command timeout). Never throws for a Redis failure: the rule's failure mode decides.
	 * @param rule the rule
	 * @param clientKey the client's key, from the rule's {@link ClientKeyResolver}
	 * @param plan the client's plan, or {@code null}
	 * @return the decision
	 */
	public RateLimitDecision consume(RateLimitRule rule, String clientKey, @Nullable String plan) {
		return RedisBucketScript.join(consumeAsync(rule, clientKey, plan));
	}

	/**
	 * Takes one request from a client's bucket without waiting: the same decision as
	 * {@link #consume}, on Lettuce's async API, for callers on an event loop (the WebFlux
	 * filter, {@link RateLimited @RateLimited} on reactive methods). The future completes
	 * on the thread that completes the Redis call (a Lettuce event loop), or at once when
	 * the circuit breaker is open; it never fails for a Redis failure.
	 * @param rule the rule
	 * @param clientKey the client's key, from the rule's {@link ClientKeyResolver}
	 * @param plan the client's plan, or {@code null}
	 * @return the decision's future
	 */
	public CompletableFuture<RateLimitDecision> consumeAsync(RateLimitRule rule, String clientKey,
			@Nullable String plan) {
		String effectivePlan = (plan != null && rule.plans().containsKey(plan)) ? plan : null;
		if (plan != null && effectivePlan == null) {
			this.problems.warn("plan:" + rule.name(), "Unknown plan for rate-limit rule '" + rule.name()
					+ "' (one the rule does not list); applying the rule's own limits", null);
		}
		List<Limit> limits = rule.limitsFor(effectivePlan);
		// the client's identity stands in the key only as a keyed digest: no IP, user or API key in clear
		String digest = this.keyDigester.digest(DIGEST_DOMAIN, clientKey);
		String bucket = rule.name() + ":" + ((effectivePlan != null) ? effectivePlan : "-") + ":" + digest;
		byte[] key = this.keyNamer.hashTaggedKey(FEATURE, bucket).getBytes(StandardCharsets.UTF_8);
		return decide(rule, limits, key, bucket).thenApply((decision) -> {
			if (!decision.allowed() && decision.source() != RateLimitDecision.Source.NONE) {
				// over its limit (not turned away because Redis failed): the console's most limited clients,
				// shown as every tab shows a user or client: the display digest of the bare identity ("u=ann" -> "ann")
				this.rejectedClients.rejected(rule.name(),
						this.keyDigester.display(clientKey.substring(clientKey.indexOf(KIND_SEPARATOR) + 1)));
			}
			return decision;
		});
	}

	private CompletableFuture<RateLimitDecision> decide(RateLimitRule rule, List<Limit> limits, byte[] key,
			String bucket) {
		return this.circuitBreaker.callAsync(
				() -> this.buckets.consumeAsync(key, limits).thenApply((outcome) -> decision(rule, limits, outcome)),
				(ex) -> {
					if (ex == null) {
						return fallback(rule, limits, bucket, true); // the breaker is open: Redis was not called
					}
					RedisCommandException failure = RedisCircuitBreaker.redisFailure(ex);
					boolean unavailable = failure != null && failure.isRedisUnavailable();
					if (!unavailable && (failure == null || !failure.isInterrupted())) {
						refused(rule, failure, ex);
					}
					if (logger.isDebugEnabled()) {
						logger.debug("Rate-limit decision for rule '" + rule.name() + "' failed", ex);
					}
					return fallback(rule, limits, bucket, unavailable);
				});
	}

	private RateLimitDecision decision(RateLimitRule rule, List<Limit> limits, RedisBucketScript.Outcome outcome) {
		recovered();
		RateLimitDecision decision = outcome.allowed()
				? new RateLimitDecision(rule.name(), limits, true, RateLimitDecision.Source.REDIS, outcome.remaining(),
						seconds(TimeUnit.MILLISECONDS.toNanos(outcome.millisUntilFull())), rule.headers())
				: new RateLimitDecision(rule.name(), limits, false, RateLimitDecision.Source.REDIS, 0,
						Math.max(1, seconds(TimeUnit.MILLISECONDS.toNanos(outcome.millisUntilAllowed()))),
						rule.headers());
		if (outcome.badStateReplaced()) {
			this.problems.warn("bad-state:" + rule.name(), "A rate-limit bucket of rule '" + rule.name()
					+ "' held no usable bucket state (bytes that do not decode, or a key of another Redis type);"
					+ " it was replaced by a fresh bucket", null);
			this.metrics.decision(rule.name(), "error");
		}
		else {
			this.metrics.decision(rule.name(), decision.allowed() ? "allowed" : "rejected");
		}
		return decision;
	}

	/**
	 * Logs a decision that Redis refused (an error reply such as {@code NOPERM} or
	 * {@code OOM}) or that failed otherwise: once per rule and kind at WARN, without a stack
	 * trace or any key, then at DEBUG.
	 */
	private void refused(RateLimitRule rule, @Nullable RedisCommandException failure, RuntimeException ex) {
		if (failure != null && failure.isCommandError()) {
			String reply = (failure.getCause() != null && failure.getCause().getMessage() != null)
					? failure.getCause().getMessage() : "";
			String code = reply.split(" ", 2)[0];
			this.problems.warn("refused:" + code + ":" + rule.name(), "Redis refused a rate-limit decision of rule '"
					+ rule.name() + "' (" + truncate(reply) + "); the rule follows its on-redis-failure ("
					+ rule.onRedisFailure().name().toLowerCase(Locale.ROOT) + ")", null);
		}
		else {
			this.problems.warn("failed:" + ex.getClass().getName() + ":" + rule.name(), "A rate-limit decision of rule '"
					+ rule.name() + "' failed (" + ex.getClass().getName() + "); the rule follows its on-redis-failure ("
					+ rule.onRedisFailure().name().toLowerCase(Locale.ROOT) + ")", null);
		}
	}

	private static String truncate(String text) {
		return (text.length() <= 160) ? text : text.substring(0, 160) + "...";
	}

	private RateLimitDecision fallback(RateLimitRule rule, List<Limit> limits, String bucket, boolean unavailable) {
		this.metrics.decision(rule.name(), "error");
		if (unavailable) {
			this.degraded = true;
			warnEveryMinute(rule.name(), "Redis is unavailable for rate limiting; rule '" + rule.name() + "' "
				+ switch (rule.onRedisFailure()) {
					case ALLOW -> "lets requests through unlimited";
					case DENY -> "turns requests away with 503";
					case LOCAL -> "limits on each instance separately";
				} + " until it is back (on-redis-failure: " + rule.onRedisFailure().name().toLowerCase(Locale.ROOT) + ")");
		}
		return switch (rule.onRedisFailure()) {
			case ALLOW -> new RateLimitDecision(rule.name(), limits, true, RateLimitDecision.Source.NONE,
					limits.get(0).capacity(), 0, false);
			case DENY -> new RateLimitDecision(rule.name(), limits, false, RateLimitDecision.Source.NONE, 0, 0,
					rule.headers());
			case LOCAL -> decision(rule, limits, localBucket(bucket, limits).tryConsumeAndReturnRemaining(1),
					RateLimitDecision.Source.LOCAL);
		};
	}

	private Bucket localBucket(String bucket, List<Limit> limits) {
		if (this.localBuckets.size() >= MAX_LOCAL_BUCKETS) {
			this.localBuckets.clear();
		}
		BucketConfiguration configuration = this.configurations.computeIfAbsent(limits, RateLimiter::configuration);
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
			long now = System.nanoTime();
			long last = this.lastRecoveryLogged.get();
			if ((last == 0 || now - last >= QUIET_BETWEEN_OUTAGE_LOGS)
					&& this.lastRecoveryLogged.compareAndSet(last, now)) {
				logger.info("Redis is available for rate limiting again");
			}
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

	private void warnEveryMinute(String rule, String message) {
		long now = System.nanoTime();
		boolean[] due = new boolean[1];
		this.outageWarned.compute(rule, (key, last) -> {
			due[0] = last == null || now - last >= QUIET_BETWEEN_OUTAGE_LOGS;
			return due[0] ? now : last;
		});
		if (due[0]) {
			logger.warn(message);
		}
	}

}
