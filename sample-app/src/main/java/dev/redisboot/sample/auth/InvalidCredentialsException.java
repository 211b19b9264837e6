package dev.redisboot.sample.auth;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when an email and password do not match an account (the same for an unknown email
 * and a wrong password); rendered as a 401 RFC 9457 problem.
 *
 * @author redisboot
 */
class InvalidCredentialsException extends ErrorResponseException {

	InvalidCredentialsException() {
		super(HttpStatus.UNAUTHORIZED, problem(), null);
	}

	private static ProblemDetail problem() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, "Wrong email or password");
		problem.setTitle("Invalid credentials");
		return problem;
	}

}
