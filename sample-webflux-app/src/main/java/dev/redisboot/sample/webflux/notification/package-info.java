/**
 * The WebFlux sample's notifications: pub/sub to every instance, server-sent events to browsers.
 */
@NullMarked
package dev.redisboot.sample.webflux.notification;

import org.jspecify.annotations.NullMarked;
