package dev.redisboot.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisBackendTests {

	@AfterEach
	void clear() {
		System.clearProperty(RedisBackend.PROPERTY);
		System.clearProperty(RedisExecutable.PROPERTY);
	}

	@Test
	void unknownBackendIsRejectedWithTheChoices() {
		System.setProperty(RedisBackend.PROPERTY, "podman");
		assertThatIllegalStateException().isThrownBy(() -> RedisBackend.select(RedisTopology.STANDALONE))
			.withMessageContaining("redisboot.test.backend")
			.withMessageContaining("auto, docker or local");
	}

	@Test
	void dockerBackendRefusesClusterAndSaysWhatToInstall() {
		System.setProperty(RedisBackend.PROPERTY, "docker");
		assertThatIllegalStateException().isThrownBy(() -> RedisBackend.select(RedisTopology.CLUSTER))
			.withMessageContaining("apt-get install -y redis-server");
	}

	@Test
	void configuredExecutableThatDoesNotExistIsNamed() {
		System.setProperty(RedisBackend.PROPERTY, "local");
		System.setProperty(RedisExecutable.PROPERTY, "/nonexistent/redis-server");
		assertThatIllegalStateException().isThrownBy(() -> RedisBackend.select(RedisTopology.STANDALONE))
			.withMessageContaining("/nonexistent/redis-server");
	}

}
