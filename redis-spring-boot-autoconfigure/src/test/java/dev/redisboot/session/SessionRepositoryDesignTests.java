package dev.redisboot.session;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the session repository's calls going one way: the repository calls its
 * collaborators, the session calls its saver, they call the parts (reader, principal index,
 * expirations, request scope, id cipher), and those the Redis layer (commands, keys, scripts,
 * reporting). Nothing calls back up.
 */
class SessionRepositoryDesignTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackagesOf(RedisbootSessionRepository.class);

	private static final Class<?>[] SESSION = { RedisbootSession.class, SessionSaver.class };

	private static final Class<?>[] PARTS = { SessionReader.class, PrincipalIndex.class, SessionExpirations.class,
			RequestScopedSessions.class, SessionIdCipher.class, SessionAttributeCodec.class };

	private static final Class<?>[] REDIS = { SessionCommands.class, SessionKeys.class, SessionScripts.class,
			SessionReporter.class };

	@Test
	void collaboratorsNeverCallTheRepository() {
		noClasses().that()
			.belongToAnyOf(concat(SESSION, PARTS, REDIS))
			.should()
			.accessClassesThat()
			.belongToAnyOf(RedisbootSessionRepository.class)
			.check(classes);
	}

	@Test
	void partsNeverCallTheSessionOrItsSaver() {
		noClasses().that().belongToAnyOf(PARTS).should().accessClassesThat().belongToAnyOf(SESSION).check(classes);
	}

	@Test
	void theRedisLayerCallsNothingAboveIt() {
		noClasses().that()
			.belongToAnyOf(REDIS)
			.should()
			.accessClassesThat()
			.belongToAnyOf(concat(SESSION, PARTS))
			.check(classes);
	}

	private static Class<?>[] concat(Class<?>[]... groups) {
		return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(Class<?>[]::new);
	}

}
