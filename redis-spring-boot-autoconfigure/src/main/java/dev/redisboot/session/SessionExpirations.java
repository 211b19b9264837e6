package dev.redisboot.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.redisboot.core.redis.RedisCommandException;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ZAddArgs;

import static dev.redisboot.session.SessionKeys.EXPIRATIONS_FAMILY;
import static dev.redisboot.session.SessionKeys.string;

/**
 * The expiration set: every session's handle scored by an expiry time that is never later
 * than the real one. A periodic clean-up finds the sessions that expired there, counts each
 * once across all instances, and moves those used since to their new expiry; the set's size
 * is the active-session count.
 *
 * @author redisboot
 */
final class SessionExpirations {

	private static final int CLEANUP_BATCH = 500;

	private static final int MAX_CLEANUP_ROUNDS = 1000;

	private static final double NEVER = (double) Long.MAX_VALUE;

	private final SessionCommands commands;

	private final SessionKeys keys;

	private final SessionReporter reporter;

	private final Clock clock;

	private volatile Duration activeCountMaxAge = Duration.ofSeconds(10);

	private volatile double activeCount = Double.NaN;

	private volatile boolean activeCountRead;

	private volatile long activeCountReadAt;

	SessionExpirations(SessionCommands commands, SessionKeys keys, SessionReporter reporter, Clock clock) {
		this.commands = commands;
		this.keys = keys;
		this.reporter = reporter;
		this.clock = clock;
	}

	void setActiveCountMaxAge(Duration activeCountMaxAge) {
		this.activeCountMaxAge = activeCountMaxAge;
	}

	/**
	 * Finds sessions that expired, counts them, publishes their {@code SessionExpiredEvent}
	 * (with the handle: the id is gone with the session) and refreshes the active count.
	 * @return how many expired sessions this call found
	 */
	int cleanUp() {
		byte[] expirationsKey = this.keys.expirationsKey();
		int expired = 0;
		for (int round = 0; round < MAX_CLEANUP_ROUNDS; round++) {
			long now = this.clock.millis();
			List<byte[]> candidates;
			try {
				candidates = this.commands.execute((commands) -> commands.zrangebyscore(expirationsKey,
						Range.create(Double.NEGATIVE_INFINITY, (double) now), Limit.create(0, CLEANUP_BATCH)));
			}
			catch (RedisCommandException ex) {
				this.commands.absorbAndRepair(ex, EXPIRATIONS_FAMILY, "clean-up", expirationsKey, "zset");
				break;
			}
			if (candidates == null || candidates.isEmpty()) {
				break;
			}
			List<Long> ttls = this.commands.pipeline((commands) -> candidates.stream()
				.map((handle) -> commands.pttl(this.keys.sessionKey(string(handle))))
				.toList());
			List<Long> outcomes = this.commands.pipeline((commands) -> {
				List<CompletionStage<Long>> futures = new ArrayList<>();
				for (int i = 0; i < candidates.size(); i++) {
					long ttl = ttls.get(i);
					if (ttl == -2) {
						futures.add(commands.zrem(expirationsKey, candidates.get(i)));
					}
					else {
						double score = (ttl >= 0) ? now + ttl : NEVER;
						futures.add(commands.zadd(expirationsKey, ZAddArgs.Builder.xx(), score, candidates.get(i)));
					}
				}
				return futures;
			});
			for (int i = 0; i < candidates.size(); i++) {
				if (ttls.get(i) == -2 && outcomes.get(i) > 0) {
					expired++;
					this.reporter.expired(string(candidates.get(i)));
				}
			}
			if (candidates.size() < CLEANUP_BATCH) {
				break;
			}
		}
		if (expired > 0) {
			this.reporter.expiredCount(expired);
		}
		readActiveCount();
		return expired;
	}

	/**
	 * Returns the number of sessions that have not been found expired yet: one
	 * {@code ZCARD}, reused for a while.
	 * @return the count, {@code NaN} if it could never be read
	 */
	double activeCount() {
		if (!this.activeCountRead
				|| this.clock.millis() - this.activeCountReadAt > this.activeCountMaxAge.toMillis()) {
			readActiveCount();
		}
		return this.activeCount;
	}

	private void readActiveCount() {
		try {
			Long count = this.commands.execute((commands) -> commands.zcard(this.keys.expirationsKey()));
			this.activeCount = (count != null) ? count : Double.NaN;
		}
		catch (RedisCommandException ex) {
			SessionReporter.logger.debug("Could not count active sessions", ex);
		}
		this.activeCountReadAt = this.clock.millis();
		this.activeCountRead = true;
	}

}
