package dev.redisboot.stream.autoconfigure;

import java.io.IOException;
import java.util.List;

import dev.redisboot.stream.JobStatus;
import dev.redisboot.stream.StreamStats;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image of an application with streams needs: every Lua script of the
 * feature and the endpoint's figures.
 */
class StreamRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	StreamRuntimeHintsTests() {
		new StreamRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void everyScriptIsAResourceHint() throws IOException {
		Resource[] scripts = new PathMatchingResourcePatternResolver().getResources("classpath*:dev/redisboot/stream/*.lua");
		assertThat(scripts).extracting(Resource::getFilename)
			.containsExactlyInAnyOrder("enqueue.lua", "move-due.lua", "fail.lua", "retry-dead-letters.lua",
					"job-start.lua", "job-complete.lua", "job-cancel.lua");
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource().forResource("dev/redisboot/stream/" + script.getFilename()))
				.as(script.getFilename())
				.accepts(this.hints);
		}
	}

	@Test
	void theEndpointsFiguresCanBeWrittenAsJson() {
		assertThat(RuntimeHintsPredicates.reflection().onType(StreamStats.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(StreamStats.class, "pending"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(JobStatus.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(JobStatus.class, "state")).accepts(this.hints);
	}

	@Test
	void isListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(StreamRuntimeHints.class);
	}

}
