package dev.redisboot.sample.product;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A product of the catalog.
 *
 * @author redisboot
 */
@Entity
@Table(name = "products")
public class Product {

	private static final int PRICE_SCALE = 2;

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, length = 200)
	private String name;

	@Column(length = 2000)
	private @Nullable String description;

	@Column(nullable = false, precision = 12, scale = PRICE_SCALE)
	private BigDecimal price;

	@Column(nullable = false)
	private Instant updatedAt;

	/**
	 * Views counted so far, written behind by {@link ProductViewCounter}.
	 */
	@Column(nullable = false)
	private long views;

	/**
	 * Creates a product that is not saved yet.
	 * @param name the name
	 * @param description the description, if any
	 * @param price the price
	 */
	public Product(String name, @Nullable String description, BigDecimal price) {
		this.name = name;
		this.description = description;
		this.price = scaled(price);
		this.updatedAt = now();
	}

	protected Product() {
		// for JPA, which sets the fields
	}

	/**
	 * Replaces the product's fields; {@code updatedAt} changes when the change is flushed.
	 * @param name the new name
	 * @param description the new description, if any
	 * @param price the new price
	 */
	void update(String name, @Nullable String description, BigDecimal price) {
		this.name = name;
		this.description = description;
		this.price = scaled(price);
	}

	@PreUpdate
	void touch() {
		this.updatedAt = now();
	}

	/**
	 * The price with the scale the database stores (12.5 becomes 12.50), so that a view
	 * taken from this entity (and cached) equals one read back from the database. Refuses
	 * to round: callers validate that a price has at most 2 decimal places.
	 */
	private static BigDecimal scaled(BigDecimal price) {
		return price.setScale(PRICE_SCALE, RoundingMode.UNNECESSARY);
	}

	/**
	 * Now, to the microsecond the database stores, so that a view taken from this entity
	 * (and cached) equals one read back from the database.
	 */
	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public @Nullable String getDescription() {
		return this.description;
	}

	public BigDecimal getPrice() {
		return this.price;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public long getViews() {
		return this.views;
	}

}
