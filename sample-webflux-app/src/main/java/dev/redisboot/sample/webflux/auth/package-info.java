/**
 * The WebFlux sample's sign-up, sign-in, sessions and API keys.
 */
@NullMarked
package dev.redisboot.sample.webflux.auth;

import org.jspecify.annotations.NullMarked;
