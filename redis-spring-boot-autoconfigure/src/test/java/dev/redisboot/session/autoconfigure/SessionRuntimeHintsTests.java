package dev.redisboot.session.autoconfigure;

import java.io.IOException;
import java.util.List;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session feature's runtime hints: every Lua script it reads is a registered resource,
 * and the registrar is found where AOT processing looks for it.
 */
class SessionRuntimeHintsTests {

	private static final String LOCATION = "dev/redisboot/session/";

	@Test
	void everySessionScriptIsARegisteredResource() throws IOException {
		RuntimeHints hints = new RuntimeHints();
		new SessionRuntimeHints().registerHints(hints, getClass().getClassLoader());
		Resource[] scripts = new PathMatchingResourcePatternResolver().getResources("classpath*:" + LOCATION + "*.lua");
		assertThat(scripts).extracting(Resource::getFilename)
			.contains("save-session.lua", "index-session.lua", "add-expiration.lua", "claim-session.lua",
					"repair-key.lua");
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource().forResource(LOCATION + script.getFilename()))
				.as(script.getFilename())
				.accepts(hints);
		}
	}

	@Test
	void sessionSummariesOfThePrincipalsEndpointCanBeWrittenAsJson() {
		RuntimeHints hints = new RuntimeHints();
		new SessionRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(dev.redisboot.session.SessionSummary.class,
				"handle"))
			.accepts(hints);
	}

	@Test
	void theRegistrarIsListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class,
					SpringFactoriesLoader.FailureHandler.logging(LogFactory.getLog(SessionRuntimeHintsTests.class)));
		assertThat(registrars).hasAtLeastOneElementOfType(SessionRuntimeHints.class);
	}

}
