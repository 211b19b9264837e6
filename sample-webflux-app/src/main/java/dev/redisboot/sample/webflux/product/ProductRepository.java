package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Repository;

/**
 * The catalog's "database": in memory, answering after a short delay as a reactive database
 * driver would, without blocking a thread. It counts its reads, so that one can see what the
 * cache saves.
 *
 * @author redisboot
 */
@Repository
public class ProductRepository {

	private static final Duration LATENCY = Duration.ofMillis(20);

	private final Map<Long, Product> products = new ConcurrentHashMap<>();

	private final AtomicInteger reads = new AtomicInteger();

	ProductRepository() {
		save(new Product(1, "Keyboard", new BigDecimal("49.90")));
		save(new Product(2, "Mouse", new BigDecimal("19.90")));
		save(new Product(3, "Monitor", new BigDecimal("199.00")));
	}

	/**
	 * Reads a product.
	 * @param id the id
	 * @return the product, or empty
	 */
	public Mono<Product> findById(long id) {
		return Mono.delay(LATENCY).then(Mono.fromSupplier(() -> {
			this.reads.incrementAndGet();
			return this.products.get(id);
		}));
	}

	/**
	 * Writes a product.
	 * @param product the product
	 * @return the product
	 */
	public Product save(Product product) {
		this.products.put(product.id(), product);
		return product;
	}

	/**
	 * How many reads reached this repository since it started.
	 * @return the number of reads
	 */
	public int reads() {
		return this.reads.get();
	}

}
