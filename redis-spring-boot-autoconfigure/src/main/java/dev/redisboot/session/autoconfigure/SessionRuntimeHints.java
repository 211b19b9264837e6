package dev.redisboot.session.autoconfigure;

import dev.redisboot.session.SessionSummary;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the session feature needs on a native image: its Lua scripts, read from the class
 * path once, and JSON binding of {@link SessionSummary}, which the {@code principals}
 * endpoint returns inside a map (Boot's endpoint hints follow declared return types only). It
 * uses no other reflection and no proxies of its own; the types stored in session attributes
 * are the application's, which its own hints must cover.
 *
 * @author redisboot
 */
class SessionRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("dev/redisboot/session/*.lua");
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), SessionSummary.class);
	}

}
