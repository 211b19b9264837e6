package dev.redisboot.sample.notification;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when this instance takes no more notification streams: it streams to as many
 * browsers as {@code sample.notifications.max-subscribers} allows already, or it is shutting
 * down. Rendered as a 503 RFC 9457 problem with {@code Retry-After}.
 *
 * @author redisboot
 */
class NotificationsUnavailableException extends ErrorResponseException {

	NotificationsUnavailableException(String detail) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, "30");
	}

	private static ProblemDetail problem(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setTitle("Notification stream unavailable");
		return problem;
	}

}
