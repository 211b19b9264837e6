package dev.redisboot.cache.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * What the caches need in a native image: reflective access to the parameters of Spring's
 * {@link SimpleKey} (a key of several method parameters becomes those parameters, read from
 * its private field; without it a native image would fall back to {@code SimpleKey}'s
 * {@code toString()}, and its keys would differ from the JVM's), and the Lua script that
 * releases load locks.
 *
 * @author redisboot
 */
final class RedisbootCacheRuntimeHints implements RuntimeHintsRegistrar {

	static final String SIMPLE_KEY_PARAMS = "params";

	static final String UNLOCK_SCRIPT = "dev/redisboot/cache/unlock.lua";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(SimpleKey.class, (type) -> type.withField(SIMPLE_KEY_PARAMS));
		hints.resources().registerPattern(UNLOCK_SCRIPT);
	}

}
