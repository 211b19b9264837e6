package dev.redisboot.sample.session;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when a request needs a signed-in session and has none (no {@code SESSION} cookie,
 * or one whose session expired, was signed out or revoked); rendered as a 401 RFC 9457
 * problem.
 *
 * @author redisboot
 */
class NotSignedInException extends ErrorResponseException {

	NotSignedInException() {
		super(HttpStatus.UNAUTHORIZED, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
				"Sign in with POST /api/auth/login first");
		problem.setTitle("Not signed in");
		return problem;
	}

}
