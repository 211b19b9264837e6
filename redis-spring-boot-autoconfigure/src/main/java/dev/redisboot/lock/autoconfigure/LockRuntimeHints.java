package dev.redisboot.lock.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Registers the lock scripts, read from the class path when the locks load, for native
 * images. Listed in {@code META-INF/spring/aot.factories}.
 */
final class LockRuntimeHints implements RuntimeHintsRegistrar {

	static final String[] SCRIPTS = { "dev/redisboot/lock/acquire.lua", "dev/redisboot/lock/set-lease.lua" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String script : SCRIPTS) {
			hints.resources().registerPattern(script);
		}
	}

}
