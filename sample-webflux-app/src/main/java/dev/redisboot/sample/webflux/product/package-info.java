/**
 * The WebFlux sample's product catalog, cached in Redis.
 */
@NullMarked
package dev.redisboot.sample.webflux.product;

import org.jspecify.annotations.NullMarked;
