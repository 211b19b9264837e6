package dev.redisboot.sample.auth;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when a request's {@code X-API-Key} belongs to no user; rendered as a 401 RFC 9457
 * problem.
 *
 * @author redisboot
 */
class UnknownApiKeyException extends ErrorResponseException {

	UnknownApiKeyException() {
		super(HttpStatus.UNAUTHORIZED, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
				"The " + ApiKeyService.HEADER + " header does not hold a valid API key");
		problem.setTitle("Unknown API key");
		return problem;
	}

}
