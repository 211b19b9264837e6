package dev.redisboot.actuate.autoconfigure;

import dev.redisboot.actuate.BigKeys;
import dev.redisboot.actuate.RedisAdvice;
import dev.redisboot.actuate.RedisServerInspector;
import dev.redisboot.actuate.SlowlogEntry;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for the {@code redis} endpoint: JSON binding of the records it
 * returns (advice, slow log, big keys). Its operations return {@code Object} or maps, so
 * Boot's endpoint hints, which follow declared return types, do not reach them. And the
 * {@code console} endpoint's page, a class path resource.
 *
 * @author redisboot
 */
class ObservabilityRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), RedisAdvice.class,
				RedisServerInspector.Slowlog.class, SlowlogEntry.class, BigKeys.class);
		hints.resources().registerPattern("dev/redisboot/actuate/console.html");
	}

}
