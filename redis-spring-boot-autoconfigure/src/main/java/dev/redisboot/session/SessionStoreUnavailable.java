package dev.redisboot.session;

import java.nio.charset.StandardCharsets;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.core.redis.RedisFailureCause;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a request that failed because the session store is unavailable (Redis does
 * not answer, or the sessions' circuit breaker is open), on either web stack: HTTP 503 with
 * a {@code Retry-After} of the breaker's open duration and a problem+json body, logged once.
 *
 * @author redisboot
 */
final class SessionStoreUnavailable {

	static final String CONTENT_TYPE = "application/problem+json";

	static final byte[] BODY = ("{\"title\":\"Service Unavailable\",\"status\":503,"
			+ "\"detail\":\"The session store is unavailable\"}").getBytes(StandardCharsets.UTF_8);

	private final WarnOnce warnOnce = new WarnOnce(SessionReporter.logger);

	private final long retryAfterSeconds;

	SessionStoreUnavailable(long retryAfterSeconds) {
		this.retryAfterSeconds = retryAfterSeconds;
	}

	String retryAfter() {
		return Long.toString(this.retryAfterSeconds);
	}

	/**
	 * Whether a request failed because the session store is unavailable; logs it once.
	 * @param failure what the request failed with
	 * @return whether to answer 503
	 */
	boolean isUnavailable(@Nullable Throwable failure) {
		RedisCommandException redis = RedisCircuitBreaker.redisFailure(failure);
		if (redis == null || !redis.isRedisUnavailable()) {
			return false;
		}
		this.warnOnce.warn("unavailable", "The session store is unavailable (" + RedisFailureCause.of(redis).message()
				+ "): requests that need their session are answered 503 until it is back; counted in "
				+ "redisboot.sessions.unavailable (logged once)", null);
		return true;
	}

}
