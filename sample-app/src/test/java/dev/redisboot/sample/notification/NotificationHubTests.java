package dev.redisboot.sample.notification;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link NotificationHub}, without a server: the emitters it hands out are not
 * bound to responses, so sending to them only buffers.
 *
 * @author redisboot
 */
class NotificationHubTests {

	private final NotificationHub hub = new NotificationHub(
			new NotificationProperties(2, Duration.ofSeconds(15), Duration.ofMinutes(30)));

	@AfterEach
	void stop() {
		this.hub.stop();
	}

	@Test
	void takesNoStreamsBeforeItStarts() {
		assertThatExceptionOfType(NotificationsUnavailableException.class).isThrownBy(this.hub::subscribe)
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(this.hub.subscribers()).isZero();
	}

	@Test
	void takesAtMostMaxSubscribersStreams() {
		this.hub.start();
		this.hub.subscribe();
		this.hub.subscribe();
		assertThat(this.hub.subscribers()).isEqualTo(2);

		assertThatExceptionOfType(ErrorResponseException.class).isThrownBy(this.hub::subscribe).satisfies((ex) -> {
			assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
			assertThat(ex.getBody().getDetail()).isEqualTo("This instance streams to 2 clients already");
		});
		assertThat(this.hub.subscribers()).isEqualTo(2);
	}

	@Test
	void stopEndsEveryStreamAndTakesNoMore() {
		this.hub.start();
		this.hub.subscribe();
		this.hub.broadcast(new Notification("n-1", "Hello", "info", Instant.now()));
		this.hub.keepAlive();

		this.hub.stop();

		assertThat(this.hub.isRunning()).isFalse();
		assertThat(this.hub.subscribers()).isZero();
		assertThatExceptionOfType(NotificationsUnavailableException.class).isThrownBy(this.hub::subscribe);

		this.hub.start(); // a lifecycle may start again
		this.hub.subscribe();
		assertThat(this.hub.subscribers()).isOne();
	}

}
