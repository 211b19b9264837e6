package dev.redisboot.actuate.autoconfigure;

import java.util.List;

import dev.redisboot.actuate.BigKeys;
import dev.redisboot.actuate.RedisAdvice;
import dev.redisboot.actuate.RedisServerInspector;
import dev.redisboot.actuate.SlowlogEntry;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image needs to write the {@code redis} endpoint's answers as JSON.
 */
class ObservabilityRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	ObservabilityRuntimeHintsTests() {
		new ObservabilityRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void theEndpointsRecordsCanBeWrittenAsJson() {
		for (Class<?> type : List.of(RedisAdvice.class, RedisAdvice.Severity.class, RedisServerInspector.Slowlog.class,
				SlowlogEntry.class, BigKeys.class, BigKeys.Key.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(BigKeys.Key.class, "bytes"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SlowlogEntry.class, "firstArgument"))
			.accepts(this.hints);
	}

	@Test
	void theConsolePageIsARegisteredResource() {
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/redisboot/actuate/console.html"))
			.accepts(this.hints);
		assertThat(getClass().getClassLoader().getResource("dev/redisboot/actuate/console.html")).isNotNull();
	}

	@Test
	void isListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(ObservabilityRuntimeHints.class);
	}

}
