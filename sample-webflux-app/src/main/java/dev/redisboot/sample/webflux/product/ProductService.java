package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;

import dev.redisboot.stream.StreamPublisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The catalog, cached in the {@code products} cache ({@code application.yml}): the methods
 * return {@code Mono}, so Spring's caching reads and writes the cache without blocking
 * ({@code Cache.retrieve}). A product missing from the cache is read from the repository once,
 * however many requests ask for it at the same moment on however many instances.
 *
 * @author redisboot
 */
@Service
public class ProductService {

	private final ProductRepository products;

	private final StreamPublisher streams;

	ProductService(ProductRepository products, StreamPublisher streams) {
		this.products = products;
		this.streams = streams;
	}

	/**
	 * A product, from the cache or else the repository.
	 * @param id the id
	 * @return the product, or an error {@link ProductNotFoundException} (not cached)
	 */
	@Cacheable(cacheNames = "products", key = "#id")
	public Mono<Product> find(long id) {
		return this.products.findById(id).switchIfEmpty(Mono.error(() -> new ProductNotFoundException(id)));
	}

	/**
	 * Changes a product's price, writing through to the cache, and appends the change to the
	 * {@value PriceChange#STREAM} stream (a blocking call, so on the bounded elastic scheduler).
	 * @param id the id
	 * @param price the new price
	 * @return the product as changed
	 */
	@CachePut(cacheNames = "products", key = "#id")
	public Mono<Product> changePrice(long id, BigDecimal price) {
		return this.products.findById(id)
			.switchIfEmpty(Mono.error(() -> new ProductNotFoundException(id)))
			.map((product) -> this.products.save(new Product(id, product.name(), price)))
			.flatMap((product) -> Mono.fromCallable(() -> this.streams.add(PriceChange.STREAM, new PriceChange(id, price)))
				.subscribeOn(Schedulers.boundedElastic())
				.thenReturn(product));
	}

}
