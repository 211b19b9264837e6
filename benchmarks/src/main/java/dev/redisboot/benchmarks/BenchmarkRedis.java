package dev.redisboot.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.StandaloneRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.resource.ClientResources;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a benchmark runs against and closes at the end of its trial: a redis-server of its
 * own on a loopback port, the Boot applications it started on it and, if it asked for one,
 * a raw Lettuce connection with {@link ByteArrayCodec}, and any Lettuce clients it created
 * on resources of its own. {@link #close()} closes them in that order (applications,
 * connection, client, the other clients and their resources, server), each even if one
 * before it failed or was never created, so a benchmark's {@code @Setup} can close it after
 * a partial start.
 */
final class BenchmarkRedis implements AutoCloseable {

	private final StandaloneRedis server;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private RedisClient lettuceClient;

	private StatefulRedisConnection<byte[], byte[]> lettuceConnection;

	private final List<RedisClient> otherClients = new ArrayList<>();

	private final List<ClientResources> otherResources = new ArrayList<>();

	private boolean closed;

	private BenchmarkRedis(StandaloneRedis server) {
		this.server = server;
	}

	/**
	 * Starts a redis-server of the benchmark's own ({@link RedisBackend#LOCAL}).
	 * @return the running server, to be closed by the caller
	 */
	static BenchmarkRedis start() {
		return new BenchmarkRedis(StandaloneRedis.start(RedisBackend.LOCAL));
	}

	/**
	 * Where the server is, for Spring Boot.
	 * @return the connection details
	 */
	DataRedisConnectionDetails connectionDetails() {
		return this.server.connectionDetails();
	}

	/**
	 * Starts an application on the server (see {@link BootRedis#start}), closed with it.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param properties {@code name=value} pairs, as in {@code application.properties}
	 * @return the running context
	 */
	ConfigurableApplicationContext application(Class<?> configuration, String... properties) {
		return track(BootRedis.start(configuration, connectionDetails(), properties));
	}

	/**
	 * Starts a servlet application on the server (see
	 * {@link BootRedis#start(Class, WebApplicationType, DataRedisConnectionDetails, String...)}),
	 * closed with it.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param properties {@code name=value} pairs, as in {@code application.properties}
	 * @return the running context
	 */
	ConfigurableApplicationContext webApplication(Class<?> configuration, String... properties) {
		return track(BootRedis.start(configuration, WebApplicationType.SERVLET, connectionDetails(), properties));
	}

	/**
	 * Starts a reactive (WebFlux) application on the server, closed with it.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param properties {@code name=value} pairs, as in {@code application.properties}
	 * @return the running context
	 */
	ConfigurableApplicationContext reactiveWebApplication(Class<?> configuration, String... properties) {
		return track(BootRedis.start(configuration, WebApplicationType.REACTIVE, connectionDetails(), properties));
	}

	/**
	 * Starts an application with Spring Boot's own Redis auto-configuration and nothing
	 * else (see {@link BootRedis#withBootDefaults}), closed with the server.
	 * @return the running context
	 */
	ConfigurableApplicationContext bootDefaults() {
		return track(BootRedis.withBootDefaults(connectionDetails()));
	}

	/**
	 * The raw Lettuce connection's synchronous commands, connecting on the first call.
	 * @return the commands
	 */
	RedisCommands<byte[], byte[]> rawLettuce() {
		return rawConnection().sync();
	}

	/**
	 * The raw Lettuce connection, connecting on the first call.
	 * @return the connection
	 */
	StatefulRedisConnection<byte[], byte[]> rawConnection() {
		return rawConnection(null);
	}

	/**
	 * Connects the raw Lettuce connection with a listener on its client, which sees every
	 * command of that client and of no other.
	 * @param listener the listener, or {@code null}
	 * @return the connection
	 * @throws IllegalStateException if the connection was created before with a listener
	 * passed now
	 */
	StatefulRedisConnection<byte[], byte[]> rawConnection(CommandListener listener) {
		if (this.lettuceConnection != null) {
			if (listener != null) {
				throw new IllegalStateException("The raw Lettuce connection is connected already");
			}
			return this.lettuceConnection;
		}
		if (this.lettuceClient == null) {
			this.lettuceClient = RedisClient.create(RedisURI.create(this.server.host(), this.server.port()));
		}
		if (listener != null) {
			this.lettuceClient.addListener(listener);
		}
		this.lettuceConnection = this.lettuceClient.connect(ByteArrayCodec.INSTANCE);
		return this.lettuceConnection;
	}

	/**
	 * Creates another Lettuce client of the server, on the given resources (for example
	 * with a command latency recorder of the benchmark's), shut down with the server, the
	 * resources after it. Its connections are the caller's; shutting the client down closes
	 * any still open.
	 * @param resources the client's resources, shut down with it
	 * @return the client
	 */
	RedisClient lettuceClient(ClientResources resources) {
		this.otherResources.add(resources);
		RedisClient client = RedisClient.create(resources, RedisURI.create(this.server.host(), this.server.port()));
		this.otherClients.add(client);
		return client;
	}

	/**
	 * Closes the applications in the order they were started, the raw Lettuce connection and
	 * its client, the other Lettuce clients and their resources, then stops the server. Every step runs even if one before failed; the
	 * first failure is thrown at the end, any others suppressed in it. Closing again does
	 * nothing.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		RuntimeException failure = null;
		for (ConfigurableApplicationContext context : this.contexts) {
			failure = run(context::close, failure);
		}
		this.contexts.clear();
		StatefulRedisConnection<byte[], byte[]> connection = this.lettuceConnection;
		this.lettuceConnection = null;
		if (connection != null) {
			failure = run(connection::close, failure);
		}
		RedisClient client = this.lettuceClient;
		this.lettuceClient = null;
		if (client != null) {
			failure = run(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)), failure);
		}
		for (RedisClient other : this.otherClients) {
			failure = run(() -> other.shutdown(Duration.ZERO, Duration.ofSeconds(2)), failure);
		}
		this.otherClients.clear();
		for (ClientResources resources : this.otherResources) {
			failure = run(() -> resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(), failure);
		}
		this.otherResources.clear();
		failure = run(this.server::close, failure);
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return this.server.toString();
	}

	private <T extends ConfigurableApplicationContext> T track(T context) {
		this.contexts.add(context);
		return context;
	}

	private static RuntimeException run(Runnable step, RuntimeException failure) {
		try {
			step.run();
			return failure;
		}
		catch (RuntimeException ex) {
			if (failure == null) {
				return ex;
			}
			failure.addSuppressed(ex);
			return failure;
		}
	}

}
