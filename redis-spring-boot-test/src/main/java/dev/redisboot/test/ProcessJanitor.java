package dev.redisboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Makes sure no test Redis outlives its JVM. Every server gets a working directory under
 * {@code ${java.io.tmpdir}/redisboot-test} that records the owning JVM's pid and the server's
 * pid. A shutdown hook kills what is still running and removes the directories when the JVM
 * exits (normally, on an uncaught error or on SIGTERM); servers orphaned by a JVM that was
 * killed outright (SIGKILL) are reaped by the next JVM that starts a test server.
 */
final class ProcessJanitor {

	static final String OWNER_FILE = "owner.pid";

	static final String SERVER_FILE = "server.pid";

	private static final Set<AutoCloseable> live = ConcurrentHashMap.newKeySet();

	private static volatile boolean initialized;

	private ProcessJanitor() {
	}

	static Path baseDirectory() {
		return Path.of(System.getProperty("java.io.tmpdir"), "redisboot-test");
	}

	/**
	 * Creates the working directory of a new server, reaping orphans first (once per JVM).
	 * @param name the server's name, part of the directory name
	 * @return the new directory
	 */
	static Path newWorkingDirectory(String name) {
		initialize();
		try {
			Path base = Files.createDirectories(baseDirectory());
			Path directory = Files.createTempDirectory(base, name + "-");
			Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a working directory for a test Redis server", ex);
		}
	}

	static void recordServerPid(Path directory, long pid) {
		try {
			Files.writeString(directory.resolve(SERVER_FILE), Long.toString(pid));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void register(AutoCloseable resource) {
		initialize();
		live.add(resource);
	}

	static void unregister(AutoCloseable resource) {
		live.remove(resource);
	}

	private static synchronized void initialize() {
		if (initialized) {
			return;
		}
		initialized = true;
		reapOrphans();
		Runtime.getRuntime().addShutdownHook(new Thread(ProcessJanitor::closeAll, "redisboot-test-janitor"));
	}

	static void closeAll() {
		for (AutoCloseable resource : live.toArray(AutoCloseable[]::new)) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				// keep going: every other server must still be stopped
			}
		}
	}

	/**
	 * Kills servers whose owning JVM is gone and removes their directories.
	 * @return how many directories were reaped
	 */
	static int reapOrphans() {
		Path base = baseDirectory();
		if (!Files.isDirectory(base)) {
			return 0;
		}
		int reaped = 0;
		try (Stream<Path> directories = Files.list(base)) {
			for (Path directory : directories.toList()) {
				Optional<Long> owner = readPid(directory.resolve(OWNER_FILE));
				boolean ownerAlive = owner.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
				if (!ownerAlive && isOldEnoughToReap(directory, owner)) {
					readPid(directory.resolve(SERVER_FILE)).flatMap(ProcessHandle::of)
						.filter(ProcessJanitor::isRedis)
						.ifPresent(ProcessJanitor::killAndWait);
					deleteRecursively(directory);
					reaped++;
				}
			}
		}
		catch (IOException ex) {
			// a directory we cannot list holds nothing we can clean up
		}
		return reaped;
	}

	private static boolean isOldEnoughToReap(Path directory, Optional<Long> owner) {
		// A directory without an owner file may be one another JVM is creating this instant.
		if (owner.isPresent()) {
			return true;
		}
		try {
			return Files.getLastModifiedTime(directory).toMillis() < System.currentTimeMillis() - 60_000;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean isRedis(ProcessHandle process) {
		return process.info().command().map((command) -> command.contains("redis")).orElse(true);
	}

	static void killAndWait(ProcessHandle process) {
		process.destroyForcibly();
		process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally((ex) -> null).join();
	}

	private static Optional<Long> readPid(Path file) {
		try {
			return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort; the next JVM reaps what is left
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
