package dev.redisboot.cache.autoconfigure;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.MethodClassKey;
import org.springframework.util.StringUtils;

/**
 * Makes every {@code @Cacheable} of chosen caches behave as {@code @Cacheable(sync = true)},
 * so that their misses reach
 * {@link dev.redisboot.cache.RedisbootCache#get(Object, java.util.concurrent.Callable)}
 * with the loader: loaded once across the deployment, and refreshable in the background.
 * Operations that Spring cannot synchronize (with {@code unless}, more than one cache, or
 * other cache annotations on the same method) are left as they are, with a warning.
 */
final class SynchronizingCacheOperationSource implements CacheOperationSource {

	private static final Log logger = LogFactory.getLog(SynchronizingCacheOperationSource.class);

	private final CacheOperationSource delegate;

	private final Predicate<String> synchronizedCache;

	private final Map<Object, Collection<CacheOperation>> operations = new ConcurrentHashMap<>();

	/**
	 * Wraps an operation source.
	 * @param delegate the source of the operations
	 * @param synchronizedCache which caches' operations to synchronize
	 */
	SynchronizingCacheOperationSource(CacheOperationSource delegate, Predicate<String> synchronizedCache) {
		this.delegate = delegate;
		this.synchronizedCache = synchronizedCache;
	}

	@Override
	public boolean isCandidateClass(Class<?> targetClass) {
		return this.delegate.isCandidateClass(targetClass);
	}

	@Override
	public boolean hasCacheOperations(Method method, @Nullable Class<?> targetClass) {
		return this.delegate.hasCacheOperations(method, targetClass);
	}

	@Override
	public @Nullable Collection<CacheOperation> getCacheOperations(Method method, @Nullable Class<?> targetClass) {
		Collection<CacheOperation> original = this.delegate.getCacheOperations(method, targetClass);
		if (original == null || original.isEmpty()) {
			return original;
		}
		return this.operations.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> synchronize(method, original));
	}

	private Collection<CacheOperation> synchronize(Method method, Collection<CacheOperation> original) {
		if (original.size() != 1 || !(original.iterator().next() instanceof CacheableOperation cacheable)
				|| cacheable.isSync()) {
			warnIfSkipped(method, original);
			return original;
		}
		if (!cacheable.getCacheNames().stream().anyMatch(this.synchronizedCache)) {
			return original;
		}
		if (cacheable.getCacheNames().size() != 1 || StringUtils.hasText(cacheable.getUnless())) {
			logger.warn("Stampede protection does not apply to " + method + ": Spring cannot synchronize a @Cacheable"
					+ (StringUtils.hasText(cacheable.getUnless()) ? " with 'unless'" : " on several caches")
					+ "; its misses are loaded by every caller");
			return original;
		}
		CacheableOperation.Builder builder = new CacheableOperation.Builder();
		builder.setName(cacheable.getName());
		builder.setCacheNames(cacheable.getCacheNames().toArray(String[]::new));
		builder.setKey(cacheable.getKey());
		builder.setKeyGenerator(cacheable.getKeyGenerator());
		builder.setCacheManager(cacheable.getCacheManager());
		builder.setCacheResolver(cacheable.getCacheResolver());
		builder.setCondition(cacheable.getCondition());
		builder.setSync(true);
		return List.of(builder.build());
	}

	private void warnIfSkipped(Method method, Collection<CacheOperation> original) {
		if (original.size() > 1 && original.stream()
			.anyMatch((operation) -> operation instanceof CacheableOperation cacheable && !cacheable.isSync()
					&& cacheable.getCacheNames().stream().anyMatch(this.synchronizedCache))) {
			logger.warn("Stampede protection does not apply to " + method
					+ ": Spring cannot synchronize a @Cacheable combined with other cache operations; "
					+ "its misses are loaded by every caller");
		}
	}

}
