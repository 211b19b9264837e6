package dev.redisboot.ratelimit.autoconfigure;

import dev.redisboot.ratelimit.ClientKeyResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What rate limiting needs in a native image: the decision script {@code decide.lua}, read as
 * a class path resource, and the root object of {@code expression} keys, whose methods SpEL
 * calls by reflection. {@code @RateLimited} methods are registered by Spring AOT itself,
 * through the annotation's {@code @Reflective}. Listed in {@code META-INF/spring/aot.factories}.
 */
final class RateLimitRuntimeHints implements RuntimeHintsRegistrar {

	static final String DECIDE_SCRIPT = "dev/redisboot/ratelimit/decide.lua";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(DECIDE_SCRIPT);
		hints.reflection().registerType(ClientKeyResolver.ExpressionRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
