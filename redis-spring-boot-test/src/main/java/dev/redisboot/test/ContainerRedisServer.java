package dev.redisboot.test;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A standalone Redis in a Testcontainers container. The host port is fixed when the container
 * is created, so that it stays the same when the container is stopped and started again.
 */
final class ContainerRedisServer implements RedisNode, AutoCloseable {

	static final String DEFAULT_IMAGE = "redis:7.4";

	static final String IMAGE_PROPERTY = "redisboot.test.docker-image";

	private final String name;

	private final int port;

	private final GenericContainer<?> container;

	private ContainerRedisServer(String name, int port, GenericContainer<?> container) {
		this.name = name;
		this.port = port;
		this.container = container;
	}

	@SuppressWarnings("resource")
	static ContainerRedisServer create(String name) {
		int port = FreePorts.next();
		String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
			.withCommand("redis-server", "--save", "", "--appendonly", "no", "--enable-debug-command", "yes")
			.withExposedPorts(6379)
			.waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(60)));
		container.setPortBindings(List.of(port + ":6379"));
		ContainerRedisServer server = new ContainerRedisServer(name, port, container);
		ProcessJanitor.register(server);
		try {
			container.start();
			server.awaitPing();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public boolean isRunning() {
		return this.container.isRunning();
	}

	@Override
	public void stop() {
		this.container.getDockerClient().stopContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public void kill() {
		this.container.getDockerClient().killContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public void start() {
		if (!isRunning()) {
			this.container.getDockerClient().startContainerCmd(this.container.getContainerId()).exec();
		}
		awaitPing();
	}

	private void awaitPing() {
		Polling.await("container " + this.name + " to answer PING", Duration.ofSeconds(60),
				() -> "PONG".equals(execute("PING")));
	}

	@Override
	public void pause() {
		this.container.getDockerClient().pauseContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public void resume() {
		this.container.getDockerClient().unpauseContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public void sleep(Duration duration) {
		Sleeper.sleep(this, duration);
	}

	@Override
	public @Nullable Object execute(String... args) {
		try (RespConnection connection = RespConnection.open(host(), this.port, Duration.ofSeconds(10))) {
			return connection.execute(args);
		}
	}

	@Override
	public void close() {
		ProcessJanitor.unregister(this);
		this.container.stop();
	}

	@Override
	public String toString() {
		return this.name + "@" + host() + ":" + this.port + " (" + this.container.getDockerImageName() + ")";
	}

}
