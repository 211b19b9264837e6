package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/products/{id}} and {@code PUT /api/products/{id}} ({@code {"price": 9.90}}).
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/products")
class ProductController {

	private final ProductService products;

	ProductController(ProductService products) {
		this.products = products;
	}

	@GetMapping("/{id}")
	Mono<Product> product(@PathVariable long id) {
		return this.products.find(id);
	}

	@PutMapping("/{id}")
	Mono<Product> changePrice(@PathVariable long id, @RequestBody PriceChange change) {
		return this.products.changePrice(id, change.price());
	}

	record PriceChange(BigDecimal price) {

	}

}
