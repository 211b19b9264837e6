package dev.redisboot.sample.auth;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when a sign-up's email address belongs to an account already; rendered as a 409
 * RFC 9457 problem.
 * <p>
 * Demo simplification: this tells anyone which addresses have accounts (held back only by
 * the {@code signup} rate limit). A real service answers every sign-up alike and emails the
 * address's owner instead.
 *
 * @author redisboot
 */
class EmailTakenException extends ErrorResponseException {

	EmailTakenException() {
		super(HttpStatus.CONFLICT, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"An account with this email address exists already; sign in instead");
		problem.setTitle("Email already registered");
		return problem;
	}

}
