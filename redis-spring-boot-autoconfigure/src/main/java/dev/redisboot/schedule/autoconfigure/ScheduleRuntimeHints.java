package dev.redisboot.schedule.autoconfigure;

import dev.redisboot.schedule.ScheduleInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for recurring jobs: the state scripts, read from the class path
 * when the scheduler loads, and JSON binding of the {@code schedules} endpoint's records.
 * Listed in {@code META-INF/spring/aot.factories}.
 */
final class ScheduleRuntimeHints implements RuntimeHintsRegistrar {

	static final String[] SCRIPTS = { "dev/redisboot/schedule/read.lua", "dev/redisboot/schedule/advance.lua",
			"dev/redisboot/schedule/pause.lua" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String script : SCRIPTS) {
			hints.resources().registerPattern(script);
		}
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), ScheduleInfo.class);
	}

}
