package dev.redisboot.sample.product;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Read-only view of a {@link Product}, as the API returns it and the {@code products} cache
 * stores it. A plain value rather than the entity, so that it can be cached (as JSON) and
 * rendered without touching the persistence context.
 *
 * @param id the id
 * @param name the name
 * @param description the description, if any
 * @param price the price
 * @param updatedAt when the product last changed
 * @author redisboot
 */
public record ProductView(long id, String name, @Nullable String description, BigDecimal price,
		Instant updatedAt) {

	static ProductView from(Product product) {
		Long id = product.getId();
		Assert.state(id != null, "Product must be saved before it is viewed");
		return new ProductView(id, product.getName(), product.getDescription(), product.getPrice(),
				product.getUpdatedAt());
	}

}
