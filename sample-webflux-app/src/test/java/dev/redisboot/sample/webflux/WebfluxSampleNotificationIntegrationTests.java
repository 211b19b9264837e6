package dev.redisboot.sample.webflux;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications through Redis pub/sub ({@code RedisPublisher}, {@code @RedisListener}) to
 * server-sent event streams ({@code Flux}), over HTTP, under BlockHound: the servlet sample's
 * notification scenarios.
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleNotificationIntegrationTests {

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	private int port;

	private WebTestClient client() {
		return SampleClient.at(this.port, "10.0.5.1");
	}

	@Test
	void publishedNotificationReachesAnOpenStream() {
		StepVerifier.create(connectedThenData())
			.expectNextMatches((event) -> "connected".equals(event.comment()))
			.then(() -> publish("Deploy at 18:00", "warning"))
			.assertNext((event) -> {
				assertThat(event.event()).isEqualTo("notification");
				assertThat(event.data()).containsEntry("message", "Deploy at 18:00").containsEntry("level", "warning");
			})
			.thenCancel()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void everyOpenStreamGetsEachNotificationOnce() throws InterruptedException {
		List<String> received = new CopyOnWriteArrayList<>();
		CountDownLatch connected = new CountDownLatch(2);
		List<Disposable> streams = Stream.of(1, 2).map((stream) -> connectedThenData().subscribe((event) -> {
			if (event.data() == null) {
				connected.countDown();
			}
			else {
				received.add(stream + ":" + event.data().get("message"));
			}
		})).toList();
		try {
			assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
			publish("one", "info");
			publish("two", "info");
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(
						() -> assertThat(received).containsExactlyInAnyOrder("1:one", "1:two", "2:one", "2:two"));
		}
		finally {
			streams.forEach(Disposable::dispose);
		}
	}

	private void publish(String message, String level) {
		this.client()
			.post()
			.uri("/api/notifications")
			.bodyValue(Map.of("message", message, "level", level))
			.exchange()
			.expectStatus()
			.isAccepted();
	}

	/**
	 * The stream's notifications, after its {@code connected} comment (sent once it listens).
	 */
	private Flux<ServerSentEvent<Map<String, Object>>> connectedThenData() {
		return this.client()
			.get()
			.uri("/api/notifications/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(EVENT)
			.getResponseBody()
			.filter((event) -> event.data() != null || "connected".equals(event.comment()));
	}

}
