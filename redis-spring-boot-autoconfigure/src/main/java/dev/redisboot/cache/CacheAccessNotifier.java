package dev.redisboot.cache;

import java.util.List;

import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CacheAccessListener listeners} of one cache. A cache without listeners holds
 * none ({@code null}, checked before any clock is read or event created), so the hook costs
 * a field read.
 */
final class CacheAccessNotifier {

	private static final WarnOnce warnOnce = new WarnOnce(LogFactory.getLog(CacheAccessListener.class));

	private final String cacheName;

	private final CacheAccessListener[] listeners;

	private CacheAccessNotifier(String cacheName, List<CacheAccessListener> listeners) {
		this.cacheName = cacheName;
		this.listeners = listeners.toArray(CacheAccessListener[]::new);
	}

	/**
	 * The notifier of a cache.
	 * @param cacheName the cache's name
	 * @param listeners every listener
	 * @return a notifier of the listeners that support the cache, or {@code null} when none
	 * does
	 */
	static @Nullable CacheAccessNotifier of(String cacheName, List<CacheAccessListener> listeners) {
		List<CacheAccessListener> supporting = listeners.stream()
			.filter((listener) -> listener.supports(cacheName))
			.toList();
		return supporting.isEmpty() ? null : new CacheAccessNotifier(cacheName, supporting);
	}

	void notify(@Nullable Object key, CacheAccess.Outcome outcome, long nanos) {
		CacheAccess access = new CacheAccess(this.cacheName, key, outcome, nanos);
		for (CacheAccessListener listener : this.listeners) {
			try {
				listener.onAccess(access);
			}
			catch (RuntimeException ex) {
				// the key is not quoted: applications key caches by e-mail addresses and the like
				// nor is the exception's message, which may quote it
				warnOnce.warn(listener.getClass().getName(), "Cache access listener " + listener.getClass().getName()
						+ " threw " + ex.getClass().getName() + " on cache '" + this.cacheName
						+ "'; the cache operation went on", null);
			}
		}
	}

}
