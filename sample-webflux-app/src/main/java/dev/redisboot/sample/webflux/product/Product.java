package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;

/**
 * A product of the catalog, as cached in Redis (JSON).
 *
 * @param id the id
 * @param name the name
 * @param price the price
 * @author redisboot
 */
public record Product(long id, String name, BigDecimal price) {

}
