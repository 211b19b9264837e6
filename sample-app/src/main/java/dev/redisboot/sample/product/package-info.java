/**
 * Product catalog: the {@code Product} entity, its repository and service, and
 * {@code GET /api/products/{id}}.
 */
@NullMarked
package dev.redisboot.sample.product;

import org.jspecify.annotations.NullMarked;
