package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import dev.redisboot.core.redis.NonBlockingThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueWrapper;

/**
 * Loads the missing entries of one {@link RedisbootCache} for
 * {@link RedisbootCache#retrieve(Object, Supplier)} ({@code @Cacheable(sync = true)} on
 * methods returning {@code CompletableFuture}, {@code Mono} or {@code Flux}) as
 * {@link CacheEntryLoader} does for blocking callers, without blocking a thread: concurrent
 * misses on a key in this JVM share one load, and the load takes the same Redis lock, so
 * callers in other instances (blocking or not) wait for its value. A caller that finds the
 * lock taken polls Redis after a growing pause (a scheduled task, never a parked thread)
 * until the value appears, the lock is free again or the wait runs out.
 * <p>
 * The value loader is never called on an event loop that a Redis reply completed on (it is
 * handed to the cache's background threads then), so that a loader that blocks cannot stall
 * Redis traffic.
 */
final class AsyncCacheEntryLoader {

	private final CacheSettings settings;

	private final CacheStore store;

	private final NearCacheTier near;

	private final CacheMetrics metrics;

	private final CacheEntryLoader loader;

	private final Executor loaderExecutor;

	private final ConcurrentMap<String, CompletableFuture<@Nullable Object>> loads = new ConcurrentHashMap<>();

	AsyncCacheEntryLoader(CacheSettings settings, CacheStore store, NearCacheTier near, CacheMetrics metrics,
			CacheEntryLoader loader, Executor loaderExecutor) {
		this.settings = settings;
		this.store = store;
		this.near = near;
		this.metrics = metrics;
		this.loader = loader;
		this.loaderExecutor = loaderExecutor;
	}

	/**
	 * Loads a missing entry once: a caller that finds a load of the key in flight in this JVM
	 * gets its outcome.
	 * @param key the cache key
	 * @param redisKey the entry's Redis key
	 * @param valueLoader computes the value
	 * @param epoch the near-cache generation taken before the read that missed
	 * @return the value (a {@code null} is a loaded {@code null}), or the loader's failure
	 */
	CompletableFuture<@Nullable Object> load(Object key, String redisKey,
			Supplier<? extends CompletableFuture<?>> valueLoader, long epoch) {
		CompletableFuture<@Nullable Object> load = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> inFlight = this.loads.putIfAbsent(redisKey, load);
		if (inFlight != null) {
			return inFlight.copy(); // a copy: one caller cancelling must not cancel the others' load
		}
		loadOnce(key, redisKey, valueLoader, epoch).whenComplete((value, failure) -> {
			this.loads.remove(redisKey, load);
			if (failure == null) {
				load.complete(value);
			}
			else {
				load.completeExceptionally(unwrap(failure));
			}
		});
		return load.copy();
	}

	/**
	 * Loads a missing value once across the deployment, as
	 * {@link CacheEntryLoader}{@code .loadOnce} does.
	 */
	private CompletableFuture<@Nullable Object> loadOnce(Object key, String redisKey,
			Supplier<? extends CompletableFuture<?>> valueLoader, long epoch) {
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		if (!this.settings.loading().lock()) {
			return this.store.readAsync(keyBytes)
				.thenCompose((meanwhile) -> (meanwhile != null) ? fill(redisKey, meanwhile, epoch)
						: loadAndStore(key, redisKey, valueLoader, epoch));
		}
		long start = System.nanoTime();
		LockWait wait = new LockWait(key, redisKey, keyBytes, this.loader.lockKey(redisKey),
				CacheEntryLoader.newToken(), valueLoader, epoch, start,
				start + this.settings.loading().lockWait().toNanos());
		return attempt(wait);
	}

	private CompletableFuture<@Nullable Object> attempt(LockWait wait) {
		long lockTtl = this.settings.loading().lockTtl().toMillis();
		return this.store.tryLockAsync(wait.lockKey, wait.token, lockTtl).thenCompose((locked) -> {
			if (locked == null) {
				return loadAndStore(wait.key, wait.redisKey, wait.valueLoader, wait.epoch);
			}
			if (locked) {
				if (wait.waited) {
					this.metrics.lockWait(System.nanoTime() - wait.start, "took-over");
				}
				// stored by a holder that released before we asked
				return this.store.readAsync(wait.keyBytes)
					.thenCompose((meanwhile) -> (meanwhile != null) ? fill(wait.redisKey, meanwhile, wait.epoch)
							: loadAndStore(wait.key, wait.redisKey, wait.valueLoader, wait.epoch))
					.whenComplete((value, failure) -> this.store.unlockAsync(wait.lockKey, wait.token));
			}
			wait.waited = true;
			long now = System.nanoTime();
			if (now - wait.deadline >= 0) {
				this.loader.lockWaitTimedOut(now - wait.start);
				return removeForeignLock(wait.lockKey)
					.thenCompose((ignored) -> loadAndStore(wait.key, wait.redisKey, wait.valueLoader, wait.epoch));
			}
			long pause = Math.min(wait.backoff, wait.deadline - now);
			wait.backoff = Math.min(wait.backoff * 2, CacheEntryLoader.MAX_BACKOFF_NANOS);
			return this.store.commands()
				.delay(pause)
				.thenCompose((paused) -> this.store.readAsync(wait.keyBytes))
				.thenCompose((appeared) -> {
					if (appeared != null) {
						this.metrics.lockWait(System.nanoTime() - wait.start, "value");
						return fill(wait.redisKey, appeared, wait.epoch);
					}
					return attempt(wait);
				});
		});
	}

	private CompletableFuture<@Nullable Object> loadAndStore(Object key, String redisKey,
			Supplier<? extends CompletableFuture<?>> valueLoader, long epoch) {
		long start = System.nanoTime();
		return invoke(valueLoader).thenCompose((value) -> {
			long nanos = System.nanoTime() - start;
			this.metrics.load(nanos);
			this.loader.notifyLoad(key, nanos);
			return this.store.writeAsync(redisKey.getBytes(StandardCharsets.UTF_8), value).thenApply((stored) -> {
				if (stored) {
					this.near.fill(redisKey, value, epoch);
				}
				return value;
			});
		});
	}

	private CompletableFuture<@Nullable Object> fill(String redisKey, ValueWrapper found, long epoch) {
		this.near.fill(redisKey, found.get(), epoch);
		return CompletableFuture.completedFuture(found.get());
	}

	/**
	 * Deletes a lock that never expires, as {@link CacheEntryLoader} does.
	 */
	private CompletableFuture<?> removeForeignLock(byte[] lockKey) {
		return this.store.pttlAsync(lockKey).thenCompose((pttl) -> {
			if (pttl == null || pttl != -1) {
				return CompletableFuture.completedFuture(null);
			}
			this.loader.foreignLockRemoved();
			return this.store.unlinkAsync(lockKey);
		});
	}

	/**
	 * Calls the value loader, on a background thread when this one is an event loop.
	 */
	private CompletableFuture<@Nullable Object> invoke(Supplier<? extends CompletableFuture<?>> valueLoader) {
		if (!NonBlockingThreads.isCurrent()) {
			return call(valueLoader);
		}
		CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
		try {
			this.loaderExecutor.execute(() -> call(valueLoader).whenComplete((value, failure) -> {
				if (failure == null) {
					result.complete(value);
				}
				else {
					result.completeExceptionally(unwrap(failure));
				}
			}));
		}
		catch (RejectedExecutionException ex) {
			return call(valueLoader); // the background threads are saturated: better late here than never
		}
		return result;
	}

	@SuppressWarnings("unchecked")
	private static CompletableFuture<@Nullable Object> call(Supplier<? extends CompletableFuture<?>> valueLoader) {
		try {
			CompletableFuture<?> value = valueLoader.get();
			if (value == null) {
				return CompletableFuture.failedFuture(new IllegalStateException("The value loader returned no future"));
			}
			return (CompletableFuture<@Nullable Object>) value;
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * The loader's own exception, not the {@link CompletionException} that a dependent
	 * stage wraps it in.
	 */
	static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * One caller's wait for the load lock of a key.
	 */
	private static final class LockWait {

		final Object key;

		final String redisKey;

		final byte[] keyBytes;

		final byte[] lockKey;

		final byte[] token;

		final Supplier<? extends CompletableFuture<?>> valueLoader;

		final long epoch;

		final long start;

		final long deadline;

		long backoff = CacheEntryLoader.MIN_BACKOFF_NANOS;

		boolean waited;

		LockWait(Object key, String redisKey, byte[] keyBytes, byte[] lockKey, byte[] token,
				Supplier<? extends CompletableFuture<?>> valueLoader, long epoch, long start, long deadline) {
			this.key = key;
			this.redisKey = redisKey;
			this.keyBytes = keyBytes;
			this.lockKey = lockKey;
			this.token = token;
			this.valueLoader = valueLoader;
			this.epoch = epoch;
			this.start = start;
			this.deadline = deadline;
		}

	}

}
