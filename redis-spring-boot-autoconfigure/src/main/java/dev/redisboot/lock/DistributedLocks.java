package dev.redisboot.lock;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.core.redis.RedisFailureCause;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Distributed locks on Redis, one key per lock name: {@code [prefix:]lock:{name}} holds the
 * holder's fencing token and id and expires with its lease, {@code [prefix:]lock:{name}:fence}
 * the last token handed out, for a day after the last acquisition (the hash tag keeps both in
 * one Redis Cluster slot). Each
 * try-acquire is one Lua script call ({@code acquire.lua}), each release or renewal one
 * compare-and-set script call ({@code set-lease.lua}), so a lock another holder took after a
 * lease ended is never deleted.
 * <p>
 * Lock names appear in clear in key names, metrics never: use code constants or ids, not
 * personal data (digest such a value with {@code KeyDigester} first).
 * <p>
 * Fails closed: when Redis is unavailable or refuses a command (an ACL user without the
 * right), an acquisition returns empty, counted as {@code error} and logged at WARN at most
 * once a minute (a refusal once per reply), never thrown. Every call goes through the locks'
 * circuit breaker: after consecutive failures it stops asking Redis for a while, and
 * acquisitions fail closed at once, counted as {@code short-circuited}, instead of each
 * waiting for the timeout; one call at a time then probes whether Redis is back. The
 * guarantees, and why a holder
 * that writes to a resource should pass its {@link LockLease#fencingToken() fencing token},
 * are in docs/scheduling.md.
 * <p>
 * Thread-safe. {@link #close()} stops the watchdog of {@link #runLocked}.
 */
public final class DistributedLocks implements AutoCloseable {

	static final String FEATURE = "lock";

	static final Script ACQUIRE = Script.load(DistributedLocks.class, "acquire.lua");

	static final Script SET_LEASE = Script.load(DistributedLocks.class, "set-lease.lua");

	private static final Log logger = LogFactory.getLog(DistributedLocks.class);

	private static final int MAX_NAME_LENGTH = 200;

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private static final long QUIET_BETWEEN_OUTAGE_LOGS = TimeUnit.MINUTES.toNanos(1);

	/**
	 * The answer of a call the circuit breaker did not let through (compared by identity).
	 */
	private static final List<Object> SHORT_CIRCUITED = Collections.unmodifiableList(new ArrayList<>(0));

	private final LettuceCommands commands;

	private final RedisKeyNamer keyNamer;

	private final LockMetrics metrics;

	private final Clock clock;

	private final @Nullable Duration watchdogInterval;

	private final RedisCircuitBreaker circuitBreaker;

	private final byte[] owner = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);

	private final WarnOnce problems = new WarnOnce(logger);

	private final AtomicLong lastOutageWarning = new AtomicLong(System.nanoTime() - QUIET_BETWEEN_OUTAGE_LOGS);

	private volatile @Nullable ScheduledThreadPoolExecutor watchdog;

	private volatile boolean closed;

	/**
	 * Creates the locks.
	 * @param commands runs the scripts; its timeout bounds every call
	 * @param keyNamer names the lock keys, under the key prefix
	 * @param metrics counts acquisitions, releases and leases that ended while held
	 * @param clock the clock that leases are checked against on this instance
	 * @param watchdogInterval how often {@link #runLocked} renews a lease, at most a third
	 * of the lease; {@code null} for a third of the lease
	 */
	public DistributedLocks(LettuceCommands commands, RedisKeyNamer keyNamer, LockMetrics metrics, Clock clock,
			@Nullable Duration watchdogInterval) {
		this(commands, keyNamer, metrics, clock, watchdogInterval,
				new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()));
	}

	/**
	 * Creates the locks.
	 * @param commands runs the scripts; its timeout bounds every call
	 * @param keyNamer names the lock keys, under the key prefix
	 * @param metrics counts acquisitions, releases and leases that ended while held
	 * @param clock the clock that leases are checked against on this instance
	 * @param watchdogInterval how often {@link #runLocked} renews a lease, at most a third
	 * of the lease; {@code null} for a third of the lease
	 * @param circuitBreaker the breaker every call goes through, used by the locks only
	 */
	public DistributedLocks(LettuceCommands commands, RedisKeyNamer keyNamer, LockMetrics metrics, Clock clock,
			@Nullable Duration watchdogInterval, RedisCircuitBreaker circuitBreaker) {
		this.commands = commands;
		this.keyNamer = keyNamer;
		this.metrics = metrics;
		this.clock = clock;
		this.watchdogInterval = watchdogInterval;
		this.circuitBreaker = circuitBreaker;
	}

	/**
	 * The circuit breaker every call of these locks goes through.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Takes a lock if no one holds it, without waiting: one round trip.
	 * @param name the lock's name: not empty, at most 200 characters, no curly braces
	 * @param lease how long the lock lasts unless released or renewed first
	 * @return the lease, or empty when another holder has the lock, or Redis could not be
	 * asked (fails closed: never throws for Redis)
	 * @throws IllegalArgumentException for an invalid name or a lease that is not positive
	 */
	public Optional<LockLease> tryAcquire(String name, Duration lease) {
		Attempt attempt = attempt(name, lease);
		this.metrics.acquisition(attempt.result());
		return Optional.ofNullable(attempt.lease());
	}

	/**
	 * Takes a lock, waiting up to {@code wait} while another holder has it: tries again when
	 * the holder's lease would end, or after a back-off that doubles from 5 ms to 200 ms,
	 * whichever comes first (with jitter, never a busy loop). Stops at once, empty, when Redis
	 * cannot be asked or the thread is interrupted (the interrupt flag stays set).
	 * @param name the lock's name
	 * @param lease how long the lock lasts unless released or renewed first
	 * @param wait the longest time to wait
	 * @return the lease, or empty
	 */
	public Optional<LockLease> acquire(String name, Duration lease, Duration wait) {
		if (wait.isNegative()) {
			throw new IllegalArgumentException("wait must not be negative: " + wait);
		}
		long start = System.nanoTime();
		long deadline = start + wait.toNanos();
		long backoff = FIRST_BACKOFF_NANOS;
		boolean waited = false;
		while (true) {
			Attempt attempt = attempt(name, lease);
			long now = System.nanoTime();
			if (attempt.lease() != null || attempt.error() || now - deadline >= 0
					|| Thread.currentThread().isInterrupted()) {
				this.metrics.acquisition(attempt.result());
				if (waited) {
					this.metrics.waited(Duration.ofNanos(now - start), attempt.lease() != null);
				}
				return Optional.ofNullable(attempt.lease());
			}
			long untilFree = TimeUnit.MILLISECONDS.toNanos(attempt.busyMillis());
			long pause = Math.min(Math.min(backoff, untilFree), deadline - now);
			// jitter, so that waiters on several instances do not come back in step
			pause += ThreadLocalRandom.current().nextLong(Math.max(1, pause / 4));
			LockSupport.parkNanos(Math.max(pause, 1));
			waited = true;
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
		}
	}

	/**
	 * Runs an action while holding a lock, if the lock is free (no waiting), and releases it
	 * afterwards. A watchdog renews the lease every third of it while the action runs, so the
	 * lease bounds only how long the lock outlives an instance that died holding it. When a
	 * renewal finds the lock lost (Redis lost the key, or this instance stalled past the
	 * lease), it is counted and logged; the action is not stopped.
	 * @param <T> the result type
	 * @param name the lock's name
	 * @param lease how long the lock outlives this instance if it stops renewing
	 * @param action the action
	 * @return the action's result; empty when the lock was held by another or Redis could not
	 * be asked (the action did not run), or when the action returned {@code null}
	 */
	public <T> Optional<T> runLocked(String name, Duration lease, Supplier<? extends T> action) {
		Optional<LockLease> acquired = tryAcquire(name, lease);
		if (acquired.isEmpty()) {
			return Optional.empty();
		}
		try (LockLease held = acquired.get()) {
			watch(held, lease);
			return Optional.ofNullable(action.get());
		}
	}

	private void watch(LockLease lease, Duration duration) {
		long third = Math.max(1, duration.toMillis() / 3);
		long interval = (this.watchdogInterval != null) ? Math.min(this.watchdogInterval.toMillis(), third) : third;
		lease.renewWith(watchdog().scheduleWithFixedDelay(() -> {
			if (!lease.renew(duration) && lease.pastLease()) {
				// Redis could not be asked for longer than the lease: the lock has ended there
				lease.lost("renewal");
			}
		}, interval, interval, TimeUnit.MILLISECONDS));
	}

	private ScheduledThreadPoolExecutor watchdog() {
		ScheduledThreadPoolExecutor current = this.watchdog;
		if (current != null) {
			return current;
		}
		synchronized (this) {
			if (this.closed) {
				throw new IllegalStateException("DistributedLocks is closed");
			}
			if (this.watchdog == null) {
				ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
					Thread thread = new Thread(runnable, "redisboot-lock-watchdog");
					thread.setDaemon(true);
					return thread;
				});
				executor.setRemoveOnCancelPolicy(true);
				this.watchdog = executor;
			}
			return this.watchdog;
		}
	}

	/**
	 * Stops the watchdog. Leases still held are no longer renewed and end with their lease.
	 */
	@Override
	public void close() {
		synchronized (this) {
			this.closed = true;
			ScheduledThreadPoolExecutor current = this.watchdog;
			if (current != null) {
				current.shutdownNow();
			}
		}
	}

	private Attempt attempt(String name, Duration lease) {
		validateName(name);
		requirePositive(lease);
		byte[] key = this.keyNamer.hashTaggedKey(FEATURE, name).getBytes(StandardCharsets.UTF_8);
		byte[] fence = this.keyNamer.hashTaggedKey(FEATURE, name, "fence").getBytes(StandardCharsets.UTF_8);
		long before = this.clock.millis();
		List<Object> reply;
		try {
			reply = this.circuitBreaker.call(() -> this.commands.evalsha(ACQUIRE, ScriptOutputType.MULTI,
					new byte[][] { key, fence }, this.owner, ascii(Long.toString(lease.toMillis()))),
					DistributedLocks::shortCircuited);
		}
		catch (RedisCommandException ex) {
			failed("acquire", name, ex);
			return Attempt.ERROR;
		}
		if (reply == SHORT_CIRCUITED) {
			return Attempt.SHORT_CIRCUITED;
		}
		if (reply == null || reply.size() < 3 || !(reply.get(0) instanceof Long taken)
				|| !(reply.get(1) instanceof Long number) || !(reply.get(2) instanceof Long bad)) {
			this.problems.warn("reply", "Unexpected reply of the lock script for lock '" + name + "': " + reply, null);
			return Attempt.ERROR;
		}
		if (bad == 1) {
			this.metrics.badState();
			this.problems.warn("bad-state:" + name, "Lock '" + name + "' found a key holding something redisboot "
					+ "never writes (another Redis type, another format, or a lock without expiry); "
					+ ((taken == 1) ? "it was replaced" : "it is treated as held until it expires"), null);
		}
		if (taken == 1) {
			byte[] value = ascii(number + ":" + new String(this.owner, StandardCharsets.US_ASCII));
			return new Attempt(new LockLease(this, name, key, value, number, before + lease.toMillis()), 0, false);
		}
		return new Attempt(null, number, false);
	}

	/**
	 * Runs the compare-and-set script for a lease.
	 * @return whether the lock was the lease's, or {@code null} when Redis could not be asked
	 */
	@Nullable Boolean setLease(LockLease lease, long millis) {
		try {
			Object ours = this.circuitBreaker.<@Nullable Object>call(() -> this.commands.<Long>evalsha(SET_LEASE,
					ScriptOutputType.INTEGER, new byte[][] { lease.key() }, lease.value(), ascii(Long.toString(millis))),
					(failure) -> (failure != null) ? rethrow(failure) : SHORT_CIRCUITED);
			if (ours == SHORT_CIRCUITED) {
				return null;
			}
			return ours instanceof Long number && number == 1;
		}
		catch (RedisCommandException ex) {
			failed((millis == 0) ? "release" : "renew", lease.name(), ex);
			return null;
		}
	}

	/**
	 * The breaker's fallback of an acquisition: a marker when Redis was not called, the
	 * failure rethrown otherwise.
	 */
	private static @Nullable List<Object> shortCircuited(@Nullable RuntimeException failure) {
		return (failure != null) ? rethrow(failure) : SHORT_CIRCUITED;
	}

	private static <T> T rethrow(RuntimeException failure) {
		throw failure;
	}

	void leaseExpiredWhileHeld(LockLease lease, String when) {
		this.metrics.leaseExpiredWhileHeld();
		logger.warn("Lock '" + lease.name() + "' (fencing token " + lease.fencingToken() + ") was found lost at its "
				+ when + ": its lease ended while this instance still held it, so another holder may have run at "
				+ "the same time. Use a longer lease, runLocked (whose watchdog renews it), or pass the fencing "
				+ "token to the resource so that it refuses late writes.");
	}

	private void failed(String operation, String name, RedisCommandException ex) {
		if (ex.isRedisUnavailable()) {
			long now = System.nanoTime();
			long last = this.lastOutageWarning.get();
			if (now - last >= QUIET_BETWEEN_OUTAGE_LOGS && this.lastOutageWarning.compareAndSet(last, now)) {
				logger.warn("Redis is unavailable for distributed locks (" + RedisFailureCause.of(ex).message()
						+ "): lock '" + name + "' and others fail closed, not taken, until it is back; scheduled "
						+ "tasks skip their runs (logged at most once a minute, counted as result=error)");
			}
		}
		else if (ex.isCommandError()) {
			String reply = RedisFailureCause.of(ex).message();
			this.problems.warn("refused:" + reply.split(" ", 2)[0] + ":" + operation, "Redis refused to " + operation
					+ " lock '" + name + "' (" + truncate(reply) + "); locks fail closed, not taken", null);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Could not " + operation + " lock '" + name + "'", ex);
		}
	}

	LockMetrics metrics() {
		return this.metrics;
	}

	Clock clock() {
		return this.clock;
	}

	static void validateName(String name) {
		if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.indexOf('{') >= 0
				|| name.indexOf('}') >= 0) {
			throw new IllegalArgumentException("Lock name '" + name + "' must be 1 to " + MAX_NAME_LENGTH
					+ " characters without curly braces");
		}
	}

	static void requirePositive(Duration lease) {
		if (lease == null || lease.isNegative() || lease.isZero() || lease.toMillis() == 0) {
			throw new IllegalArgumentException("A lease must be at least 1 ms: " + lease);
		}
	}

	private static String truncate(String text) {
		return (text.length() <= 160) ? text : text.substring(0, 160) + "...";
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	public String toString() {
		return "DistributedLocks[" + this.keyNamer + "]";
	}

	/**
	 * The outcome of one acquire script call.
	 */
	private record Attempt(@Nullable LockLease lease, long busyMillis, boolean error) {

		static final Attempt ERROR = new Attempt(null, 0, true);

		static final Attempt SHORT_CIRCUITED = new Attempt(null, 0, true);

		String result() {
			if (this == SHORT_CIRCUITED) {
				return "short-circuited";
			}
			return (this.lease != null) ? "acquired" : this.error ? "error" : "busy";
		}

	}

}
