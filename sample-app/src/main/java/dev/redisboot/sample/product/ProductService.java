package dev.redisboot.sample.product;

import java.util.List;

import org.springframework.cache.annotation.CachePut;
import org.springframework.data.domain.Limit;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads and updates products for the web layer, through the {@code products} cache
 * (15 minutes, {@code redisboot.cache.caches.products.ttl}), so that controllers stay
 * unaware of it.
 *
 * @author redisboot
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	public ProductService(ProductRepository repository) {
		this.repository = repository;
	}

	/**
	 * The ids of all products, lowest first, from the database (at most 100: a demo catalog).
	 * @return the ids
	 */
	public List<Long> ids() {
		return this.repository.findIds(Limit.of(100));
	}

	/**
	 * Finds a product by id: from the cache when it is there, otherwise from the database,
	 * and then caches it. An unknown id is not cached: the exception skips the cache.
	 * @param id the id
	 * @return the product
	 * @throws ProductNotFoundException when there is no product with that id
	 */
	@Cacheable("products")
	public ProductView find(long id) {
		return this.repository.findById(id).map(ProductView::from).orElseThrow(() -> new ProductNotFoundException(id));
	}

	/**
	 * Updates a product in the database and writes the new view through to the cache, so
	 * that the next {@link #find} returns it without reading the database.
	 * @param id the id
	 * @param update the new values
	 * @return the updated product
	 * @throws ProductNotFoundException when there is no product with that id (nothing is
	 * cached)
	 */
	@CachePut(cacheNames = "products", key = "#id")
	@Transactional
	public ProductView update(long id, ProductUpdate update) {
		Product product = this.repository.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
		product.update(update.name(), update.description(), update.price());
		// Flushed now, not at commit, so that @PreUpdate sets updatedAt before the view is taken
		return ProductView.from(this.repository.saveAndFlush(product));
	}

}
