package dev.redisboot.sample.product;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/products} endpoints.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/products")
class ProductController {

	private final ProductService service;

	private final ProductViewCounter viewCounter;

	ProductController(ProductService service, ProductViewCounter viewCounter) {
		this.service = service;
		this.viewCounter = viewCounter;
	}

	/**
	 * The catalog's product ids, from the database: a client (the demo page) then reads each
	 * product with {@code GET /api/products/{id}}, through the cache.
	 */
	@GetMapping
	List<Long> ids() {
		return this.service.ids();
	}

	@PostMapping("/{id}/views")
	Map<String, Long> view(@PathVariable long id) {
		return Map.of("views", this.viewCounter.view(id));
	}

	@GetMapping("/{id}/views")
	Map<String, Long> views(@PathVariable long id) {
		return Map.of("views", this.viewCounter.views(id));
	}

	@GetMapping("/{id}")
	ProductView product(@PathVariable long id) {
		return this.service.find(id);
	}

	@PutMapping("/{id}")
	ProductView update(@PathVariable long id, @Valid @RequestBody ProductUpdate update) {
		return this.service.update(id, update);
	}

}
