package dev.redisboot.cache.autoconfigure;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.autoconfigure.ApplicationBeanMethods;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperation;

/**
 * With {@code redisboot.cache.allow-unlisted=false}, fails startup when a bean's caching
 * annotation names a cache that is not listed under {@code redisboot.cache.caches}, so a typo
 * or a forgotten TTL is found before the first request rather than by it.
 */
final class UnlistedCacheVerifier implements SmartInitializingSingleton {

	static final String PROPERTY = "redisboot.cache.allow-unlisted";

	private final ConfigurableListableBeanFactory beanFactory;

	private final Set<String> listedCacheNames;

	private final AnnotationCacheOperationSource operationSource = new AnnotationCacheOperationSource();

	/**
	 * Creates a verifier.
	 * @param beanFactory the bean factory whose beans are checked
	 * @param listedCacheNames the caches listed in configuration
	 */
	UnlistedCacheVerifier(ConfigurableListableBeanFactory beanFactory, Set<String> listedCacheNames) {
		this.beanFactory = beanFactory;
		this.listedCacheNames = Set.copyOf(listedCacheNames);
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Set<String>> unlisted = new TreeMap<>();
		ApplicationBeanMethods.forEach(this.beanFactory, (type, method) -> collectUnlisted(type, method, unlisted));
		if (!unlisted.isEmpty()) {
			StringBuilder uses = new StringBuilder();
			unlisted.forEach((cache, methods) -> uses.append(uses.isEmpty() ? "" : "; ")
				.append("'")
				.append(cache)
				.append("' used by ")
				.append(String.join(", ", methods)));
			throw new InvalidPropertyException(PROPERTY, false,
					"Caches are used in code but not listed under redisboot.cache.caches: " + uses,
					"List each of them under redisboot.cache.caches.<name> (for example with its ttl), "
							+ "or set redisboot.cache.allow-unlisted=true to create them with the defaults.");
		}
	}

	private void collectUnlisted(Class<?> type, Method method, Map<String, Set<String>> unlisted) {
		Collection<CacheOperation> operations = operations(method, type);
		if (operations == null) {
			return;
		}
		for (CacheOperation operation : operations) {
			for (String cacheName : operation.getCacheNames()) {
				if (!this.listedCacheNames.contains(cacheName)) {
					unlisted.computeIfAbsent(cacheName, (name) -> new TreeSet<>())
						.add(type.getSimpleName() + "." + method.getName());
				}
			}
		}
	}

	private @Nullable Collection<CacheOperation> operations(Method method, Class<?> type) {
		try {
			return this.operationSource.getCacheOperations(method, type);
		}
		catch (RuntimeException ex) {
			return null; // not ours to judge: Spring reports invalid annotations itself
		}
	}

}
