package dev.redisboot.sample.webflux.product;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * No product has the requested id: 404, as problem+json.
 *
 * @author redisboot
 */
class ProductNotFoundException extends ResponseStatusException {

	ProductNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, "No product " + id);
	}

}
