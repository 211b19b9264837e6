package dev.redisboot.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Finds the {@code redis-server} executable: the {@code redisboot.test.redis-server} system
 * property or the {@code REDISBOOT_TEST_REDIS_SERVER} environment variable when set, otherwise
 * the {@code PATH} and the usual install locations.
 */
final class RedisExecutable {

	static final String PROPERTY = "redisboot.test.redis-server";

	static final String ENVIRONMENT_VARIABLE = "REDISBOOT_TEST_REDIS_SERVER";

	private static final List<String> USUAL_LOCATIONS = List.of("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin",
			"/usr/sbin");

	private RedisExecutable() {
	}

	static Optional<Path> find() {
		String configured = configured();
		if (configured != null) {
			Path path = Path.of(configured);
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException("The redis-server configured with " + PROPERTY + " or "
						+ ENVIRONMENT_VARIABLE + " is not an executable file: " + path);
			}
			return Optional.of(path);
		}
		List<String> directories = new ArrayList<>();
		String pathVariable = System.getenv("PATH");
		if (pathVariable != null) {
			directories.addAll(List.of(pathVariable.split(File.pathSeparator)));
		}
		directories.addAll(USUAL_LOCATIONS);
		for (String directory : directories) {
			if (!directory.isEmpty()) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	private static @Nullable String configured() {
		String value = System.getProperty(PROPERTY);
		if (value == null || value.isBlank()) {
			value = System.getenv(ENVIRONMENT_VARIABLE);
		}
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
