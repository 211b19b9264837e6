/**
 * The WebFlux sample application.
 */
@NullMarked
package dev.redisboot.sample.webflux;

import org.jspecify.annotations.NullMarked;
