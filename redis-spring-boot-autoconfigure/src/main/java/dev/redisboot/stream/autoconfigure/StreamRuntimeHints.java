package dev.redisboot.stream.autoconfigure;

import dev.redisboot.stream.JobStatus;
import dev.redisboot.stream.StreamStats;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for streams: the Lua scripts, which are resources read when the
 * store is first used, and JSON binding of the {@code streams} endpoint's figures, which it
 * returns inside maps where Boot's endpoint hints do not look. Listener and job handler
 * methods, and their payload types, are registered by their annotations
 * ({@code @Reflective}).
 *
 * @author redisboot
 */
class StreamRuntimeHints implements RuntimeHintsRegistrar {

	static final String SCRIPTS = "dev/redisboot/stream/*.lua";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(SCRIPTS);
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), StreamStats.class,
				JobStatus.class);
	}

}
