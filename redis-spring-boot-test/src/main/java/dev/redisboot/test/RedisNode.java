package dev.redisboot.test;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One Redis server (a standalone server, a cluster node, a replica or a Sentinel) started for
 * a test, with the operations that fault tests need: stop, kill, start again on the same
 * address, and pause.
 *
 * @see RedisDeployment#nodes()
 */
public interface RedisNode {

	/**
	 * Host name or address clients connect to.
	 * @return the host, a loopback address
	 */
	String host();

	/**
	 * Port clients connect to. It stays the same across {@link #stop()} and {@link #start()}.
	 * @return the port
	 */
	int port();

	/**
	 * Short name of the node within its deployment, such as {@code primary-1} or
	 * {@code sentinel-2}.
	 * @return the name
	 */
	String name();

	/**
	 * Whether the server process (or container) is running. A paused node is running.
	 * @return whether the node runs
	 */
	boolean isRunning();

	/**
	 * Stops the server gracefully (SIGTERM) and waits until it has exited.
	 */
	void stop();

	/**
	 * Kills the server at once (SIGKILL), as a crash would, and waits until it has exited.
	 */
	void kill();

	/**
	 * Starts a stopped or killed server again on the same port and waits until it answers.
	 * Its data is gone (nothing is persisted); a cluster node keeps its cluster
	 * configuration and rejoins.
	 */
	void start();

	/**
	 * Stops (gracefully) and starts the server again.
	 */
	default void restart() {
		stop();
		start();
	}

	/**
	 * Freezes the server process (SIGSTOP, or {@code docker pause}): connections stay open
	 * but nothing is answered until {@link #resume()}.
	 */
	void pause();

	/**
	 * Resumes a paused server.
	 */
	void resume();

	/**
	 * Makes the server busy for the given time with {@code DEBUG SLEEP}, in the background,
	 * so that commands sent meanwhile queue up and time out as on an overloaded server.
	 * @param duration how long the server sleeps
	 */
	void sleep(Duration duration);

	/**
	 * Sends one command to this node over a fresh connection, for test set-up and
	 * assertions.
	 * @param args the command and its arguments, such as {@code "INFO", "replication"}
	 * @return the reply: a {@link String}, a {@link Long}, a {@link java.util.List} or
	 * {@code null}
	 * @throws RedisCommandException if the server answers with an error
	 */
	@Nullable Object execute(String... args);

	/**
	 * Reads one section of {@code INFO} as a map.
	 * @param section the section, such as {@code replication} or {@code server}
	 * @return the fields of the section
	 */
	default Map<String, String> info(String section) {
		return InfoParser.parse(String.valueOf(execute("INFO", section)));
	}

}
