package dev.redisboot.sample.product;

import java.util.Objects;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.writebehind.WriteBehind;
import dev.redisboot.writebehind.WriteBehindException;
import dev.redisboot.writebehind.WriteBehindRegistry;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

/**
 * Counts product views with write-behind caching: a view is counted in Redis
 * ({@code INCR sample:product-views:<id>}, started from the database's count), the new count
 * is put in the {@code product-views} cache at once (every instance reads it) and written to
 * the database later, by a job on some instance, only the latest count of a product per
 * database write ({@code redisboot.writebehind.*} metrics, name {@code product-views}). The
 * request never waits on the database, however busy the product page is.
 * <p>
 * While Redis is down (or the write cannot be queued), a view is counted in the database
 * directly, so that the page keeps working: slower, and the Redis count, when Redis is
 * back, goes on from where it was (the database keeps the higher of the two, see
 * {@link ProductRepository#raiseViews}).
 *
 * @author redisboot
 */
@Service
public class ProductViewCounter {

	private final WriteBehind<Long, Long> views;

	private final ProductRepository repository;

	private final StringRedisTemplate redis;

	private final RedisKeyNamer keyNamer;

	public ProductViewCounter(WriteBehindRegistry registry, ProductRepository repository, StringRedisTemplate redis,
			RedisKeyNamer keyNamer) {
		this.repository = repository;
		this.redis = redis;
		this.keyNamer = keyNamer;
		// the database write: raise the count, never lower it (idempotent, order-proof)
		this.views = registry.register("product-views", "product-views", Long.class, Long.class,
				repository::raiseViews);
	}

	/**
	 * Counts a view of a product.
	 * @param id the product's id
	 * @return the count, this view included
	 * @throws ProductNotFoundException when there is no product with that id
	 */
	public long view(long id) {
		try {
			return viewBehind(id);
		}
		catch (DataAccessException | WriteBehindException ex) {
			// Redis unreachable: count in the database at once instead
			Product product = this.repository.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
			long count = product.getViews() + 1;
			this.repository.raiseViews(id, count);
			return count;
		}
	}

	private long viewBehind(long id) {
		String key = this.keyNamer.key("product-views", Long.toString(id));
		if (!Boolean.TRUE.equals(this.redis.hasKey(key))) {
			Product product = this.repository.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
			this.redis.opsForValue().setIfAbsent(key, Long.toString(product.getViews()));
		}
		long count = Objects.requireNonNull(this.redis.opsForValue().increment(key));
		this.views.write(id, count);
		return count;
	}

	/**
	 * Returns a product's view count: from the {@code product-views} cache, where every
	 * {@link #view} puts it, or from the database.
	 * @param id the product's id
	 * @return the count
	 * @throws ProductNotFoundException when there is no product with that id
	 */
	@Cacheable("product-views")
	public long views(long id) {
		return this.repository.findById(id).map(Product::getViews).orElseThrow(() -> new ProductNotFoundException(id));
	}

}
