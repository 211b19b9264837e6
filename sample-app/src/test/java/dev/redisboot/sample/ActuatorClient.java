package dev.redisboot.sample;

import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

/**
 * A client of the sample application's management port ({@code management.server.port}),
 * where Actuator is served: the application's own port answers {@code /actuator/**} with 404.
 * Tests get the port with {@code @LocalManagementPort}.
 *
 * @author redisboot
 */
final class ActuatorClient {

	private final RestTestClient client;

	private ActuatorClient(int managementPort) {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + managementPort).build();
	}

	static ActuatorClient on(int managementPort) {
		return new ActuatorClient(managementPort);
	}

	RestTestClient client() {
		return this.client;
	}

	RestTestClientResponse get(String path) {
		return RestTestClientResponse.from(this.client.get().uri(path).exchange());
	}

	RestTestClientResponse post(String path, String json) {
		return RestTestClientResponse.from(this.client.post()
			.uri(path)
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.body(json)
			.exchange());
	}

	RestTestClientResponse delete(String path) {
		return RestTestClientResponse.from(this.client.delete().uri(path).exchange());
	}

}
