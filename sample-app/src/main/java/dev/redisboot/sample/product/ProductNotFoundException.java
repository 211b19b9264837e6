package dev.redisboot.sample.product;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when no product has the requested id; rendered as a 404 RFC 9457 problem
 * ({@code application/problem+json}).
 *
 * @author redisboot
 */
class ProductNotFoundException extends ErrorResponseException {

	ProductNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, problem(id), null);
	}

	private static ProblemDetail problem(long id) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No product with id " + id);
		problem.setTitle("Product not found");
		problem.setProperty("productId", id);
		return problem;
	}

}
