package dev.redisboot.writebehind.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for write-behind caching: the scripts, read from the class path
 * when the registry loads. Listed in {@code META-INF/spring/aot.factories}.
 */
final class WriteBehindRuntimeHints implements RuntimeHintsRegistrar {

	static final String[] SCRIPTS = { "dev/redisboot/writebehind/write.lua", "dev/redisboot/writebehind/take.lua",
			"dev/redisboot/writebehind/finish.lua", "dev/redisboot/writebehind/touch.lua",
			"dev/redisboot/writebehind/rearm.lua", "dev/redisboot/writebehind/release.lua" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String script : SCRIPTS) {
			hints.resources().registerPattern(script);
		}
	}

}
