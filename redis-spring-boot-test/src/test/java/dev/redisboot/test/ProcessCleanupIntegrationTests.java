package dev.redisboot.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the harness in a child JVM that ends in different ways, and checks that no
 * redis-server process or directory outlives it.
 */
class ProcessCleanupIntegrationTests {

	@ParameterizedTest
	@ValueSource(strings = { "exit", "uncaught", "sigterm" })
	void serversDieWithTheirJvm(String ending) throws Exception {
		Child child = Child.start(ending);
		if (ending.equals("sigterm")) {
			child.process.destroy();
		}
		child.process.waitFor();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(child.redisAlive()).as("redis-server %d alive", child.redisPid).isFalse();
			assertThat(child.directory).doesNotExist();
		});
	}

	@Test
	void serversOfAKilledJvmAreReapedByTheNextOne() throws Exception {
		Child child = Child.start("hang");
		child.process.destroyForcibly();
		child.process.waitFor();
		assertThat(child.redisAlive()).as("SIGKILL leaves the server running until the next start").isTrue();
		assertThat(ProcessJanitor.reapOrphans()).isGreaterThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(child.redisAlive()).isFalse();
			assertThat(child.directory).doesNotExist();
		});
	}

	private record Child(Process process, long redisPid, Path directory) {

		static Child start(String ending) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					ChildJvm.class.getName(), ending)
				.redirectErrorStream(true)
				.start();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith("STARTED ")) {
					List<String> parts = List.of(line.split(" ", 3));
					return new Child(process, Long.parseLong(parts.get(1)), Path.of(parts.get(2)));
				}
			}
			throw new IllegalStateException("Child JVM ended without starting Redis (exit " + process.exitValue() + ")");
		}

		boolean redisAlive() {
			Optional<ProcessHandle> handle = ProcessHandle.of(this.redisPid);
			return handle.map(ProcessHandle::isAlive).orElse(false);
		}

	}

}
