package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.util.Assert;

/**
 * Loads the missing entries of one {@link RedisbootCache} for
 * {@code @Cacheable(sync = true)}, once in the whole deployment, and refreshes entries past
 * their soft age (refresh-ahead).
 * <p>
 * Concurrent misses on a key in this JVM wait for one thread, which takes a lock in Redis
 * ({@code [prefix:]cache-lock:<name>:<digest of the key>}, {@code SET NX PX}, released by a
 * compare-and-delete script) so that callers in other instances wait for its value too; a
 * waiter whose wait runs out, or whose lock holder failed, loads itself. A refresh takes the
 * same lock, so an entry is refreshed once across the deployment.
 */
final class CacheEntryLoader {

	static final String LOCK_FEATURE = "cache-lock";

	static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final String name;

	private final CacheSettings settings;

	private final CacheStore store;

	private final NearCacheTier near;

	private final CacheMetrics metrics;

	private final RedisKeyNamer keyNamer;

	private final KeyDigester keyDigester;

	private final String keyStart;

	private final @Nullable BackgroundRefresher refresher;

	private final @Nullable CacheAccessNotifier listeners;

	private final WarnOnce warnOnce = new WarnOnce(LogFactory.getLog(RedisbootCache.class));

	private final ConcurrentMap<String, Load> loads = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	CacheEntryLoader(String name, CacheSettings settings, CacheStore store, NearCacheTier near, CacheMetrics metrics,
			RedisKeyNamer keyNamer, KeyDigester keyDigester, @Nullable BackgroundRefresher refresher,
			@Nullable CacheAccessNotifier listeners) {
		Assert.isTrue(settings.loading().refreshAhead() == 0 || refresher != null,
				() -> "Refresh-ahead of cache '" + name + "' needs a background refresher");
		this.name = name;
		this.settings = settings;
		this.store = store;
		this.near = near;
		this.metrics = metrics;
		this.keyNamer = keyNamer;
		this.keyDigester = keyDigester;
		this.keyStart = keyNamer.key(RedisbootCache.FEATURE, name, "");
		this.refresher = refresher;
		this.listeners = listeners;
	}

	/**
	 * Loads a missing entry: concurrent misses on the same key in this JVM are coalesced, so
	 * the loader runs once and the other callers wait for its result (or its exception). A
	 * loader that asks for its own key fails instead of waiting for itself.
	 * @param key the cache key
	 * @param redisKey its Redis key
	 * @param valueLoader computes the value
	 * @param epoch the near-cache generation taken before the read that missed
	 * @return the value
	 * @throws ValueRetrievalException when the loader failed
	 */
	@Nullable Object load(Object key, String redisKey, Callable<?> valueLoader, long epoch) {
		Load load = new Load(Thread.currentThread());
		Load inFlight = this.loads.putIfAbsent(redisKey, load);
		if (inFlight != null) {
			if (inFlight.owner == Thread.currentThread()) {
				throw new IllegalStateException("Recursive load of key '" + redisKey + "' in cache '" + this.name
						+ "': the value loader asked for its own key");
			}
			return inFlight.await(key, valueLoader);
		}
		try {
			Object value = loadOnce(key, redisKey, valueLoader, epoch);
			load.result.complete(value);
			return value;
		}
		catch (Exception ex) {
			load.result.completeExceptionally(ex);
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
		catch (Error ex) {
			load.result.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loads.remove(redisKey, load);
		}
	}

	/**
	 * Loads a missing value once across the deployment: takes the Redis lock of the key and
	 * loads, or waits (polling Redis with a growing back-off) until the lock holder's value
	 * appears, the lock is free again (its holder failed: take it and load), or the wait
	 * runs out (load without the lock). Without Redis there is nobody to coordinate with,
	 * and the value is loaded at once.
	 */
	private @Nullable Object loadOnce(Object key, String redisKey, Callable<?> loader, long epoch) throws Exception {
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		if (!this.settings.loading().lock()) {
			ValueWrapper meanwhile = this.store.read(keyBytes); // another thread may have stored it since our read
			return (meanwhile != null) ? fill(redisKey, meanwhile, epoch) : loadAndStore(key, redisKey, loader, epoch);
		}
		byte[] lockKey = lockKey(redisKey);
		byte[] token = newToken();
		long lockTtl = this.settings.loading().lockTtl().toMillis();
		long start = System.nanoTime();
		long deadline = start + this.settings.loading().lockWait().toNanos();
		long backoff = MIN_BACKOFF_NANOS;
		boolean waited = false;
		while (true) {
			Boolean locked = this.store.tryLock(lockKey, token, lockTtl);
			if (locked == null) {
				return loadAndStore(key, redisKey, loader, epoch);
			}
			if (locked) {
				try {
					if (waited) {
						this.metrics.lockWait(System.nanoTime() - start, "took-over");
					}
					ValueWrapper meanwhile = this.store.read(keyBytes); // stored by a holder that released before we asked
					return (meanwhile != null) ? fill(redisKey, meanwhile, epoch)
							: loadAndStore(key, redisKey, loader, epoch);
				}
				finally {
					this.store.unlock(lockKey, token);
				}
			}
			waited = true;
			long now = System.nanoTime();
			if (now - deadline >= 0) {
				lockWaitTimedOut(now - start);
				removeForeignLock(lockKey);
				return loadAndStore(key, redisKey, loader, epoch);
			}
			LockSupport.parkNanos(Math.min(backoff, deadline - now));
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				throw new InterruptedException("Interrupted while waiting for another load of key '" + redisKey + "'");
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
			ValueWrapper appeared = this.store.read(keyBytes);
			if (appeared != null) {
				this.metrics.lockWait(System.nanoTime() - start, "value");
				return fill(redisKey, appeared, epoch);
			}
		}
	}

	private @Nullable Object loadAndStore(Object key, String redisKey, Callable<?> loader, long epoch)
			throws Exception {
		long start = System.nanoTime();
		Object value = loader.call();
		long nanos = System.nanoTime() - start;
		this.metrics.load(nanos);
		if (this.store.write(redisKey.getBytes(StandardCharsets.UTF_8), value)) {
			this.near.fill(redisKey, value, epoch);
		}
		notifyLoad(key, nanos);
		return value;
	}

	/**
	 * Tells the listeners, if any, of a load.
	 * @param key the cache key
	 * @param nanos how long the loader took
	 */
	void notifyLoad(Object key, long nanos) {
		CacheAccessNotifier listeners = this.listeners;
		if (listeners != null) {
			listeners.notify(key, CacheAccess.Outcome.LOAD, nanos);
		}
	}

	private @Nullable Object fill(String redisKey, ValueWrapper found, long epoch) {
		this.near.fill(redisKey, found.get(), epoch);
		return found.get();
	}

	/**
	 * Refreshes an entry in the background when it is past its soft age.
	 * @param redisKey the entry's Redis key
	 * @param loader computes the new value
	 * @param found the value that was read
	 * @param pttl the entry's remaining time-to-live in milliseconds
	 */
	void refreshIfDue(String redisKey, Callable<?> loader, @Nullable Object found, long pttl) {
		if (this.settings.isDueForRefresh(found == null, pttl)) {
			refreshInBackground(redisKey, loader);
		}
	}

	/**
	 * Refreshes an entry past its soft age on a background thread, unless this JVM is
	 * already refreshing it or another instance holds its lock; the lock holder checks the
	 * entry's age again, so an entry refreshed meanwhile is not refreshed twice.
	 */
	private void refreshInBackground(String redisKey, Callable<?> loader) {
		BackgroundRefresher refresher = this.refresher;
		if (refresher == null || !this.refreshing.add(redisKey)) {
			return;
		}
		boolean queued = refresher.submit(() -> {
			try {
				refresh(redisKey, loader);
			}
			finally {
				this.refreshing.remove(redisKey);
			}
		});
		if (!queued) {
			this.refreshing.remove(redisKey);
			this.metrics.refresh("rejected");
		}
	}

	private void refresh(String redisKey, Callable<?> loader) {
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] lockKey = lockKey(redisKey);
		byte[] token = newToken();
		Boolean locked = this.store.tryLock(lockKey, token, this.settings.loading().lockTtl().toMillis());
		if (!Boolean.TRUE.equals(locked)) {
			return; // another instance is refreshing or loading it, or Redis is unavailable
		}
		try {
			Long remaining = this.store.pttl(keyBytes);
			if (remaining == null || remaining < 0 || !this.settings.isDueForRefresh(false, remaining)) {
				return; // evicted, or refreshed by someone else since our read
			}
			long start = System.nanoTime();
			Object value = loader.call();
			this.metrics.load(System.nanoTime() - start);
			if (this.store.write(keyBytes, value)) {
				this.near.changed(redisKey, value);
			}
			this.metrics.refresh("success");
		}
		catch (Exception ex) {
			this.metrics.refresh("failure");
			this.warnOnce.warn("refresh", "Background refresh of an entry of cache '" + this.name
					+ "' failed; the current value is served until it expires", ex);
		}
		finally {
			this.store.unlock(lockKey, token);
		}
	}

	/**
	 * Lock key of an entry: {@code [prefix:]cache-lock:<name>:<digest of the cache key>}, so
	 * that a lock never shows the key (an e-mail address, say) in clear.
	 */
	byte[] lockKey(String redisKey) {
		String keyPart = redisKey.substring(this.keyStart.length());
		return this.keyNamer.key(LOCK_FEATURE, this.name, this.keyDigester.digest(LOCK_FEATURE, keyPart))
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Deletes a lock that never expires: redisboot always sets a TTL, so it was written by
	 * something else (or is garbage) and would make every load of the key wait in vain.
	 */
	private void removeForeignLock(byte[] lockKey) {
		Long pttl = this.store.pttl(lockKey);
		if (pttl != null && pttl == -1) {
			this.store.unlink(lockKey);
			foreignLockRemoved();
		}
	}

	/**
	 * Counts and logs (once) a wait for another instance's load that ran out.
	 * @param waitedNanos how long the caller waited
	 */
	void lockWaitTimedOut(long waitedNanos) {
		this.metrics.lockWait(waitedNanos, "timeout");
		// the key is not quoted: applications key caches by e-mail addresses and the like
		this.warnOnce.warn("lock-timeout", "Gave up waiting " + this.settings.loading().lockWait().toMillis()
				+ " ms for another instance to load a key of cache '" + this.name
				+ "'; loading it here too. Raise redisboot.cache.caches." + this.name
				+ ".lock-wait if loads take longer.", null);
	}

	/**
	 * Counts and logs (once) the removal of a lock without expiry (see
	 * {@link #removeForeignLock}).
	 */
	void foreignLockRemoved() {
		this.metrics.decodeError("foreign-lock");
		this.warnOnce.warn("foreign-lock", "Deleted a lock of cache '" + this.name
				+ "' that had no expiry, so it was not written by redisboot; loads of its key waited for it", null);
	}

	static byte[] newToken() {
		byte[] token = new byte[16];
		ThreadLocalRandom.current().nextBytes(token);
		return token;
	}

	/**
	 * A value being computed by one thread for a {@code sync = true} miss.
	 */
	private static final class Load {

		final Thread owner;

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		Load(Thread owner) {
			this.owner = owner;
		}

		@Nullable Object await(Object key, Callable<?> valueLoader) {
			try {
				return this.result.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			catch (ExecutionException ex) {
				throw new ValueRetrievalException(key, valueLoader, ex.getCause());
			}
		}

	}

}
