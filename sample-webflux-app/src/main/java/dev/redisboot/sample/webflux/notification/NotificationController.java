package dev.redisboot.sample.webflux.notification;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/notifications} publishes to every instance; {@code GET /api/notifications/stream}
 * is a server-sent event stream of them (a {@code Flux}: an open stream holds a connection, not a
 * thread), with a comment every 15 seconds to keep idle connections open.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/notifications")
class NotificationController {

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	private final NotificationService notifications;

	NotificationController(NotificationService notifications) {
		this.notifications = notifications;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Notification> publish(@RequestBody NotificationRequest request) {
		return this.notifications.publish(request.message(), (request.level() != null) ? request.level() : "info");
	}

	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Notification>> stream() {
		Flux<ServerSentEvent<Notification>> events = this.notifications.stream()
			.map((notification) -> ServerSentEvent.builder(notification)
				.id(notification.id())
				.event("notification")
				.build());
		Flux<ServerSentEvent<Notification>> keepAlive = Flux.interval(KEEP_ALIVE)
			.map((tick) -> ServerSentEvent.<Notification>builder().comment("keep-alive").build());
		// Merged in this order, "connected" is sent once the stream listens: a client that has
		// read it misses no notification published after that
		Flux<ServerSentEvent<Notification>> connected = Flux
			.just(ServerSentEvent.<Notification>builder().comment("connected").build());
		return Flux.merge(events, connected, keepAlive);
	}

	record NotificationRequest(String message, @Nullable String level) {

	}

}
