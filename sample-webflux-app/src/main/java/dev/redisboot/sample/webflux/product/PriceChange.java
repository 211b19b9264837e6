package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;

/**
 * A price change, an entry of the {@value #STREAM} stream.
 *
 * @param productId the product's id
 * @param price the new price
 * @author redisboot
 */
public record PriceChange(long productId, BigDecimal price) {

	/**
	 * The stream of price changes.
	 */
	public static final String STREAM = "price-changes";

}
