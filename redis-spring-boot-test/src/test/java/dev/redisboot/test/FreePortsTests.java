package dev.redisboot.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FreePorts} and the port retry of {@link LocalRedisServer}.
 */
class FreePortsTests {

	@Test
	void portsAndBusPortsStayBelowTheEphemeralRange() {
		assertThat(FreePorts.range(32768)).containsExactly(10768, 22768);
		assertThat(FreePorts.range(49152)).containsExactly(27152, 39152);
		assertThat(FreePorts.range(5000)).as("no room below: the old wide range").containsExactly(20000, 55000);
		for (int i = 0; i < 50; i++) {
			int port = FreePorts.next();
			assertThat(port).isNotIn(6379, 16379, 26379);
			assertThat(port + 10000).isLessThan(32768);
		}
	}

	@Test
	void aFirstStartWhosePortWasTakenMovesToAnotherPort() throws IOException {
		LocalRedisServer server = new LocalRedisServer("taken", RedisBackend.localExecutable(),
				LocalConfiguration.server(), java.util.List.of());
		int planned = server.port();
		try (ServerSocket squatter = new ServerSocket()) {
			squatter.bind(new InetSocketAddress(InetAddress.getByName(LocalRedisServer.HOST), planned));
			server.start();
			assertThat(server.port()).isNotEqualTo(planned);
			assertThat(server.execute("PING")).isEqualTo("PONG");
			// later starts keep the port clients know
			int port = server.port();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
		}
		finally {
			server.close();
		}
	}

}
