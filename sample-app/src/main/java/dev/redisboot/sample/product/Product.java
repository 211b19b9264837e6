package dev.redisboot.sample.product;

import java.math.BigDecimal;
import java.time.Instant;

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

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, length = 200)
	private String name;

	@Column(length = 2000)
	private @Nullable String description;

	@Column(nullable = false, precision = 12, scale = 2)
	private BigDecimal price;

	@Column(nullable = false)
	private Instant updatedAt;

	/**
	 * Creates a product that is not saved yet.
	 * @param name the name
	 * @param description the description, if any
	 * @param price the price
	 */
	public Product(String name, @Nullable String description, BigDecimal price) {
		this.name = name;
		this.description = description;
		this.price = price;
		this.updatedAt = Instant.now();
	}

	protected Product() {
		// for JPA, which sets the fields
	}

	@PreUpdate
	void touch() {
		this.updatedAt = Instant.now();
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

}
