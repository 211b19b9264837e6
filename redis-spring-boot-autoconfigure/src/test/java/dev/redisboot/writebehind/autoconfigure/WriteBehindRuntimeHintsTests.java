package dev.redisboot.writebehind.autoconfigure;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image of an application with write-behind caching needs: every Lua script of
 * the feature.
 */
class WriteBehindRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	WriteBehindRuntimeHintsTests() {
		new WriteBehindRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void everyScriptIsAResourceHint() throws IOException {
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:dev/redisboot/writebehind/*.lua");
		assertThat(scripts).extracting(Resource::getFilename)
			.containsExactlyInAnyOrder("write.lua", "take.lua", "finish.lua", "touch.lua", "release.lua", "rearm.lua");
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource().forResource("dev/redisboot/writebehind/" + script.getFilename()))
				.as(script.getFilename())
				.accepts(this.hints);
		}
	}

	@Test
	void isListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(WriteBehindRuntimeHints.class);
	}

}
