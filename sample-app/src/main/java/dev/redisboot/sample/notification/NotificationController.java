package dev.redisboot.sample.notification;

import dev.redisboot.sample.session.UserSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code /api/notifications} endpoints.
 * <p>
 * Both are {@code /api} requests, limited by the {@code api} rate-limit rule. A stream is one
 * request however long it stays open: the rate limiter counts it once, when it starts, and
 * not again when Spring MVC dispatches its completion.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/notifications")
class NotificationController {

	private final NotificationService notifications;

	private final NotificationHub hub;

	private final UserSessions sessions;

	NotificationController(NotificationService notifications, NotificationHub hub, UserSessions sessions) {
		this.notifications = notifications;
		this.hub = hub;
		this.sessions = sessions;
	}

	/**
	 * Publishes a notification to every browser connected to any instance: 202 with the
	 * notification. Only for signed-in sessions (401 otherwise), so that the demo page is
	 * not open to anonymous spam. (The body is validated first: an invalid one is 400 even
	 * without a session.)
	 */
	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	Notification publish(@Valid @RequestBody NotificationRequest body, HttpServletRequest request) {
		this.sessions.require(request);
		return this.notifications.publish(body.message(), body.levelOrDefault());
	}

	/**
	 * The notifications published from now on, as Server-Sent Events named
	 * {@code notification} with the notification as JSON data, and a comment line every 15
	 * seconds. Public, like the page that shows it. 503 when this instance streams to too
	 * many clients already.
	 */
	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream() {
		return this.hub.subscribe();
	}

}
