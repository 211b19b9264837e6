package dev.redisboot.cache.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image hints of the caches: what {@code CacheKeyConverter} reads by reflection
 * and the Lua script that {@code CacheRedisCommands} loads, registered through
 * {@code aot.factories}.
 */
class RedisbootCacheRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void simpleKeyParametersAreReadableByReflection() {
		new RedisbootCacheRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(SimpleKey.class, "params")).accepts(this.hints);
		// the hinted field is the one the key converter reads
		assertThat(ReflectionUtils.findField(SimpleKey.class, RedisbootCacheRuntimeHints.SIMPLE_KEY_PARAMS,
				Object[].class))
			.isNotNull();
	}

	@Test
	void theUnlockScriptIsIncluded() {
		new RedisbootCacheRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource(RedisbootCacheRuntimeHints.UNLOCK_SCRIPT))
			.accepts(this.hints);
		assertThat(getClass().getClassLoader().getResource(RedisbootCacheRuntimeHints.UNLOCK_SCRIPT)).isNotNull();
	}

	@Test
	void isRegisteredInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(RedisbootCacheRuntimeHints.class);
	}

}
