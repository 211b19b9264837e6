package dev.redisboot.cache;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The miss that this thread's caller is computing a value for, so that the
 * {@code put} that follows a plain {@code @Cacheable} miss records the load time. The
 * thread-local holds JDK types only (an entry of the cache's name and Redis key to the start
 * time), so that a pooled thread never pins the application's class loader.
 */
final class PendingLoad {

	private static final ThreadLocal<Map.@Nullable Entry<String, Long>> current = new ThreadLocal<>();

	private PendingLoad() {
	}

	/**
	 * Records that this thread missed an entry and its caller is computing the value.
	 */
	static void started(String cacheName, String redisKey) {
		current.set(Map.entry(id(cacheName, redisKey), System.nanoTime()));
	}

	/**
	 * Ends this thread's pending load, if any.
	 * @return the nanoseconds since the miss on this entry, or {@code -1} when this thread
	 * had no pending load of this entry
	 */
	static long finish(String cacheName, String redisKey) {
		Map.Entry<String, Long> load = current.get();
		if (load == null) {
			return -1;
		}
		current.remove();
		return load.getKey().equals(id(cacheName, redisKey)) ? System.nanoTime() - load.getValue() : -1;
	}

	/**
	 * Forgets this thread's pending load (a hit, an eviction or a clear came in between).
	 */
	static void clear() {
		current.remove();
	}

	private static String id(String cacheName, String redisKey) {
		return cacheName + '\n' + redisKey;
	}

}
