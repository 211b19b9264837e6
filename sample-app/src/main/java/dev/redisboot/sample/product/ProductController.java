package dev.redisboot.sample.product;

import jakarta.validation.Valid;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

	ProductController(ProductService service) {
		this.service = service;
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
