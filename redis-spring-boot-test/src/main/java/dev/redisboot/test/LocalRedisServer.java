package dev.redisboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} (or Sentinel) process on a free loopback port, in a temporary
 * directory of its own, persisting nothing.
 */
final class LocalRedisServer implements RedisNode, AutoCloseable {

	static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

	private static final int MAX_PORT_ATTEMPTS = 5;

	private final String name;

	private final Path executable;

	private int port;

	private final Path directory;

	private List<String> arguments;

	private final List<String> configuration;

	private final List<String> extraArguments;

	private boolean startedOnce;

	private @Nullable Process process;

	private boolean paused;

	private boolean closed;

	/**
	 * Creates a server that is not started yet.
	 * @param name the name within its deployment
	 * @param executable the redis-server executable
	 * @param configuration lines of a configuration file written to the server's directory
	 * (Sentinel needs a writable file), may be empty
	 * @param arguments further command-line arguments, such as {@code --sentinel}
	 */
	LocalRedisServer(String name, Path executable, List<String> configuration, List<String> arguments) {
		this.name = name;
		this.executable = executable;
		this.configuration = List.copyOf(configuration);
		this.extraArguments = List.copyOf(arguments);
		this.directory = ProcessJanitor.newWorkingDirectory(name);
		usePort(FreePorts.next());
		ProcessJanitor.register(this);
	}

	private void usePort(int port) {
		this.port = port;
		List<String> command = new ArrayList<>();
		command.add(this.executable.toString());
		command.add(writeConfiguration(this.configuration).toString());
		command.addAll(this.extraArguments);
		this.arguments = List.copyOf(command);
	}

	private Path writeConfiguration(List<String> configuration) {
		List<String> lines = new ArrayList<>();
		lines.add("port " + this.port);
		lines.add("bind " + HOST);
		lines.add("daemonize no");
		lines.add("dir " + this.directory);
		lines.add("logfile " + this.directory.resolve("redis.log"));
		lines.addAll(configuration);
		try {
			return Files.write(this.directory.resolve("redis.conf"), lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String host() {
		return HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String name() {
		return this.name;
	}

	Path directory() {
		return this.directory;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	@Override
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException(this.name + " has been closed");
		}
		if (isRunning()) {
			return;
		}
		if (this.startedOnce) {
			launch();
			return;
		}
		// The first start may pick another port: a free port can be taken by another process
		// between the check and the bind. Later starts keep the port clients know.
		for (int attempt = 1;; attempt++) {
			try {
				launch();
				this.startedOnce = true;
				return;
			}
			catch (IllegalStateException ex) {
				if (attempt >= MAX_PORT_ATTEMPTS || !logTail().contains("Address already in use")) {
					throw ex;
				}
				kill();
				clearLogs();
				usePort(FreePorts.next());
			}
		}
	}

	private void clearLogs() {
		for (String file : List.of("redis.log", "stdout.log")) {
			try {
				Files.deleteIfExists(this.directory.resolve(file));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private void launch() {
		try {
			this.process = new ProcessBuilder(this.arguments).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("stdout.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + this.executable + ": " + ex.getMessage(), ex);
		}
		this.paused = false;
		ProcessJanitor.recordServerPid(this.directory, this.process.pid());
		awaitReady();
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("Test Redis server " + this.name + " on port " + this.port
						+ " exited during startup. Its log says:\n" + logTail());
			}
			try (RespConnection connection = RespConnection.open(HOST, this.port, Duration.ofSeconds(2))) {
				if ("PONG".equals(connection.execute("PING"))) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		throw new IllegalStateException("Test Redis server " + this.name + " on port " + this.port
				+ " did not answer PING within " + STARTUP_TIMEOUT.toSeconds() + "s. Its log says:\n" + logTail(),
				last);
	}

	String logTail() {
		StringBuilder tail = new StringBuilder();
		for (String file : List.of("redis.log", "stdout.log")) {
			try {
				List<String> lines = Files.readAllLines(this.directory.resolve(file));
				lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach((line) -> tail.append(line).append('\n'));
			}
			catch (IOException ex) {
				// no such log yet
			}
		}
		return tail.toString();
	}

	@Override
	public synchronized void stop() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return;
		}
		if (this.paused) {
			resume();
		}
		current.destroy();
		try {
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill();
		}
	}

	@Override
	public synchronized void kill() {
		Process current = this.process;
		if (current != null) {
			ProcessJanitor.killAndWait(current.toHandle());
		}
		this.paused = false;
	}

	@Override
	public synchronized void pause() {
		signal("-STOP");
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		signal("-CONT");
		this.paused = false;
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException(this.name + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", signal, Long.toString(current.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill " + signal + " " + current.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void sleep(Duration duration) {
		Sleeper.sleep(this, duration);
	}

	@Override
	public @Nullable Object execute(String... args) {
		try (RespConnection connection = RespConnection.open(HOST, this.port, Duration.ofSeconds(10))) {
			return connection.execute(args);
		}
	}

	/**
	 * Pid of the running process, for tests of the harness itself.
	 * @return the pid, or -1 when not running
	 */
	synchronized long pid() {
		Process current = this.process;
		return (current != null && current.isAlive()) ? current.pid() : -1;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		kill();
		ProcessJanitor.deleteRecursively(this.directory);
		ProcessJanitor.unregister(this);
	}

	@Override
	public String toString() {
		return this.name + "@" + HOST + ":" + this.port;
	}

}
