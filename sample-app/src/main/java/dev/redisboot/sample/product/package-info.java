/**
 * Product catalog: the {@code Product} entity, its repository, its service with the
 * {@code products} cache, and {@code GET} and {@code PUT /api/products/{id}}.
 */
@NullMarked
package dev.redisboot.sample.product;

import org.jspecify.annotations.NullMarked;
