package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/products/{id}}, {@code PUT /api/products/{id}} ({@code {"price": 9.90}}) and
 * {@code GET /api/products/{id}/price-history}.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/products")
class ProductController {

	private final ProductService products;

	private final PriceHistory history;

	ProductController(ProductService products, PriceHistory history) {
		this.products = products;
		this.history = history;
	}

	@GetMapping("/{id}")
	Mono<Product> product(@PathVariable long id) {
		return this.products.find(id);
	}

	@PutMapping("/{id}")
	Mono<Product> changePrice(@PathVariable long id, @RequestBody NewPrice change) {
		return this.products.changePrice(id, change.price());
	}

	@GetMapping("/{id}/price-history")
	List<BigDecimal> priceHistory(@PathVariable long id) {
		return this.history.of(id);
	}

	record NewPrice(BigDecimal price) {

	}

}
