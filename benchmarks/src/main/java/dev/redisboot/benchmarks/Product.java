package dev.redisboot.benchmarks;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.redisboot.core.json.TypeAllowlist;
import dev.redisboot.core.json.TypedJsonSerializer;

/**
 * A cached value as an application would have one: a product view with a few typed fields,
 * a list and a free-text description. {@link Serializable} so that Spring Boot's default
 * {@code RedisCacheManager}, which uses JDK serialization, can store it as well.
 *
 * @param id the id
 * @param sku the stock-keeping unit
 * @param name the display name
 * @param category the category
 * @param price the price in euros
 * @param stock units in stock
 * @param active whether the product is on sale
 * @param updatedAt when the product last changed
 * @param tags search tags
 * @param description free text; its length sets the size of the value
 */
public record Product(long id, String sku, String name, String category, BigDecimal price, int stock, boolean active,
		Instant updatedAt, List<String> tags, String description) implements Serializable {

	private static final String[] WORDS = { "organic", "cotton", "shirt", "blue", "slim", "fit", "premium", "quality",
			"comfortable", "everyday", "wear", "machine", "washable", "sustainable", "sourced", "lightweight",
			"breathable", "fabric", "classic", "design", "modern", "look", "perfect", "for", "summer", "and",
			"autumn", "with", "the", "a", "of", "in", "stainless", "steel", "water", "bottle", "keeps", "drinks",
			"cold", "hours", "leak", "proof", "lid", "ergonomic", "handle" };

	/**
	 * A deterministic product whose JSON, as redisboot's cache writes it (with its type id),
	 * is exactly the given number of bytes: the JSON of a product with an empty description
	 * is measured, then the description makes up the difference.
	 * @param jsonSize the size of the JSON in bytes
	 * @return the product
	 */
	static Product withJsonSize(int jsonSize) {
		TypedJsonSerializer json = new TypedJsonSerializer(TypeAllowlist.of(List.of(Product.class.getPackageName())));
		int emptyLength = json.serialize(withDescriptionLength(0)).length;
		if (emptyLength > jsonSize) {
			throw new IllegalArgumentException(
					"A product takes " + emptyLength + " bytes of JSON, more than " + jsonSize);
		}
		Product product = withDescriptionLength(jsonSize - emptyLength);
		int length = json.serialize(product).length;
		if (length != jsonSize) {
			throw new IllegalStateException("Sized the product to " + length + " bytes of JSON, not " + jsonSize);
		}
		return product;
	}

	/**
	 * This product with another stock count, which the benchmarks use as a version number.
	 * @param stock the stock count
	 * @return the copy
	 */
	Product withStock(int stock) {
		return new Product(this.id, this.sku, this.name, this.category, this.price, stock, this.active, this.updatedAt,
				this.tags, this.description);
	}

	/**
	 * A deterministic product whose description has exactly the given number of characters
	 * (ASCII words, so as many bytes in JSON, which needs no escapes for them).
	 * @param descriptionLength the length of the description
	 * @return the product
	 */
	static Product withDescriptionLength(int descriptionLength) {
		SplittableRandom random = new SplittableRandom(42);
		List<String> tags = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			tags.add(WORDS[random.nextInt(WORDS.length)]);
		}
		StringBuilder description = new StringBuilder(descriptionLength + 16);
		while (description.length() < descriptionLength) {
			if (description.length() > 0) {
				description.append(' ');
			}
			description.append(WORDS[random.nextInt(WORDS.length)]);
		}
		description.setLength(descriptionLength);
		return new Product(4711, "SKU-204711", "Organic cotton shirt, slim fit", "apparel", new BigDecimal("39.90"), 132,
				true, Instant.parse("2025-06-01T10:15:30Z"), tags, description.toString());
	}

}
