package dev.redisboot.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;

/**
 * Where test servers run. Chosen by the {@code redisboot.test.backend} system property or the
 * {@code REDISBOOT_TEST_BACKEND} environment variable ({@code auto}, {@code docker} or
 * {@code local}); {@code auto} (the default) uses Docker for standalone servers when a Docker
 * engine answers, and local {@code redis-server} processes otherwise and for Sentinel and
 * Cluster, whose nodes must reach each other at the addresses clients use.
 */
public enum RedisBackend {

	/**
	 * Testcontainers, with the image named by {@code redisboot.test.docker-image} (default
	 * {@value ContainerRedisServer#DEFAULT_IMAGE}).
	 */
	DOCKER,

	/**
	 * {@code redis-server} processes on this machine.
	 */
	LOCAL;

	static final String PROPERTY = "redisboot.test.backend";

	static final String ENVIRONMENT_VARIABLE = "REDISBOOT_TEST_BACKEND";

	private static volatile @Nullable Boolean dockerAvailable;

	/**
	 * Chooses the backend for a topology, or fails with a message that says what to install.
	 * @param topology the topology to start
	 * @return the backend
	 */
	public static RedisBackend select(RedisTopology topology) {
		String requested = requested();
		if ("docker".equals(requested)) {
			if (topology != RedisTopology.STANDALONE) {
				throw new IllegalStateException(PROPERTY + "=docker supports standalone servers only; " + topology
						+ " needs a local redis-server. " + INSTALL_HINT);
			}
			return DOCKER;
		}
		if ("local".equals(requested)) {
			localExecutable();
			return LOCAL;
		}
		if (!"auto".equals(requested)) {
			throw new IllegalStateException("Unknown " + PROPERTY + " '" + requested
					+ "': use auto, docker or local");
		}
		if (topology == RedisTopology.STANDALONE && isDockerAvailable()) {
			return DOCKER;
		}
		if (RedisExecutable.find().isPresent()) {
			return LOCAL;
		}
		throw new IllegalStateException("Cannot start a " + topology.name().toLowerCase(Locale.ROOT)
				+ " Redis for tests: " + ((topology == RedisTopology.STANDALONE) ? "no Docker engine answers and "
						: "")
				+ "no redis-server executable was found on the PATH. " + INSTALL_HINT);
	}

	static final String INSTALL_HINT = "Install Redis (Debian/Ubuntu: 'apt-get install -y redis-server', macOS: "
			+ "'brew install redis'), point " + RedisExecutable.PROPERTY + " (or " + RedisExecutable.ENVIRONMENT_VARIABLE
			+ ") at a redis-server binary, or start Docker for standalone servers.";

	static Path localExecutable() {
		return RedisExecutable.find()
			.orElseThrow(() -> new IllegalStateException(
					"No redis-server executable was found on the PATH. " + INSTALL_HINT));
	}

	private static String requested() {
		String value = System.getProperty(PROPERTY);
		if (value == null || value.isBlank()) {
			value = System.getenv(ENVIRONMENT_VARIABLE);
		}
		return (value == null || value.isBlank()) ? "auto" : value.trim().toLowerCase(Locale.ROOT);
	}

	static boolean isDockerAvailable() {
		Boolean available = dockerAvailable;
		if (available == null) {
			try {
				// Asking Testcontainers where no engine can be logs an ERROR on every run: look first.
				available = isDockerEndpointPlausible() && DockerClientFactory.instance().isDockerAvailable();
			}
			catch (Throwable ex) {
				available = false;
			}
			dockerAvailable = available;
		}
		return available;
	}

	private static boolean isDockerEndpointPlausible() {
		if (System.getenv("DOCKER_HOST") != null || System.getenv("TESTCONTAINERS_HOST_OVERRIDE") != null) {
			return true;
		}
		String home = System.getProperty("user.home", "");
		List<Path> candidates = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
				Path.of(home, ".testcontainers.properties"), Path.of(home, ".docker", "run", "docker.sock"),
				Path.of(home, ".docker", "desktop", "docker.sock"), Path.of(home, ".colima", "default", "docker.sock"),
				Path.of(home, ".rd", "docker.sock"));
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		if (runtimeDir != null) {
			candidates = new java.util.ArrayList<>(candidates);
			candidates.add(Path.of(runtimeDir, "docker.sock"));
		}
		return candidates.stream().anyMatch(Files::exists);
	}

}
