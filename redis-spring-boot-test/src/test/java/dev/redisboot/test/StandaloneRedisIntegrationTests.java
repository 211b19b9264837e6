package dev.redisboot.test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.awaitility.Awaitility.await;

@WithRedis(isolated = true)
class StandaloneRedisIntegrationTests {

	@Test
	void servesThroughBootsConnection(StandaloneRedis redis) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("harness:greeting", "hello");
				assertThat(redis.node().execute("GET", "harness:greeting")).isEqualTo("hello");
			});
	}

	@Test
	void propertyValuesConnectBootToo(StandaloneRedis redis) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(redis.propertyValues())
			.run((context) -> assertThat(context.getBean(StringRedisTemplate.class).execute(
					(org.springframework.data.redis.core.RedisCallback<String>) (connection) -> connection.ping()))
				.isEqualTo("PONG"));
	}

	@Test
	void neverUsesTheWellKnownPortAndPersistsNothing(StandaloneRedis redis) {
		assertThat(redis.port()).isNotEqualTo(6379);
		assertThat(redis.node().execute("CONFIG", "GET", "save")).asList().containsExactly("save", "");
		assertThat(redis.node().execute("CONFIG", "GET", "appendonly")).asList().containsExactly("appendonly", "no");
	}

	@Test
	void killThenStartServesAgainOnTheSamePort(StandaloneRedis redis) {
		RedisNode node = redis.node();
		int port = node.port();
		node.execute("SET", "harness:before-kill", "1");
		node.kill();
		assertThat(node.isRunning()).isFalse();
		assertThatRuntimeException().isThrownBy(() -> node.execute("PING"));
		node.start();
		assertThat(node.port()).isEqualTo(port);
		assertThat(node.execute("PING")).isEqualTo("PONG");
		assertThat(node.execute("GET", "harness:before-kill")).as("nothing is persisted").isNull();
	}

	@Test
	void stopThenRestart(StandaloneRedis redis) {
		redis.node().stop();
		assertThat(redis.node().isRunning()).isFalse();
		redis.node().restart();
		assertThat(redis.node().execute("PING")).isEqualTo("PONG");
	}

	@Test
	void pausedServerAcceptsButDoesNotAnswerUntilResumed(StandaloneRedis redis) throws Exception {
		RedisNode node = redis.node();
		node.pause();
		try {
			assertThatExceptionOfType(java.io.UncheckedIOException.class)
				.isThrownBy(() -> pingWithTimeout(node, Duration.ofMillis(300)));
		}
		finally {
			node.resume();
		}
		assertThat(pingWithTimeout(node, Duration.ofSeconds(5))).isEqualTo("PONG");
	}

	@Test
	void sleepingServerTimesOutCommandsThenRecovers(StandaloneRedis redis) {
		RedisNode node = redis.node();
		node.sleep(Duration.ofSeconds(2));
		assertThatExceptionOfType(java.io.UncheckedIOException.class)
			.isThrownBy(() -> pingWithTimeout(node, Duration.ofMillis(200)));
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(pingWithTimeout(node, Duration.ofMillis(500))).isEqualTo("PONG"));
	}

	private static Object pingWithTimeout(RedisNode node, Duration timeout) {
		try (RespConnection connection = RespConnection.open(node.host(), node.port(), timeout)) {
			return connection.execute("PING");
		}
	}

	@Test
	void portIsClosedAfterClose() throws Exception {
		StandaloneRedis own = StandaloneRedis.start(RedisBackend.LOCAL);
		int port = own.port();
		java.nio.file.Path directory = ((LocalRedisServer) own.node()).directory();
		own.close();
		assertThat(directory).doesNotExist();
		assertThatExceptionOfType(java.io.IOException.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			}
		});
	}

}
