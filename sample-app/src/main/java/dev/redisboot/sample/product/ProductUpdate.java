package dev.redisboot.sample.product;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * New values of a product's fields, the JSON body of {@code PUT /api/products/{id}}. The
 * constraints mirror the columns of {@link Product}, so that a body that passes validation
 * is stored as sent. Each message names its field, because the 400 problem's detail lists
 * them (see {@code messages.properties}).
 *
 * @param name the name
 * @param description the description, or {@code null} for none
 * @param price the price, at most 2 decimal places
 * @author redisboot
 */
public record ProductUpdate(

		@NotBlank(message = "name must not be blank")
		@Size(max = 200, message = "name must be at most 200 characters") String name,

		@Size(max = 2000, message = "description must be at most 2000 characters") @Nullable String description,

		@NotNull(message = "price is required")
		@DecimalMin(value = "0.00", message = "price must not be negative")
		@Digits(integer = 10, fraction = 2, message = "price must have at most 10 digits before the point and 2 after")
		BigDecimal price) {

}
