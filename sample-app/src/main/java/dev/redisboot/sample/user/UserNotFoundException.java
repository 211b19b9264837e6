package dev.redisboot.sample.user;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when no user has the requested id; rendered as a 404 RFC 9457 problem
 * ({@code application/problem+json}).
 *
 * @author redisboot
 */
class UserNotFoundException extends ErrorResponseException {

	UserNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, problem(id), null);
	}

	private static ProblemDetail problem(long id) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No user with id " + id);
		problem.setTitle("User not found");
		problem.setProperty("userId", id);
		return problem;
	}

}
