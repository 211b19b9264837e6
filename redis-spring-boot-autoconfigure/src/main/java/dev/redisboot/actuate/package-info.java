/**
 * Operating Redis from the application: a health indicator with the server's details,
 * server metrics read from {@code INFO}, Lettuce command latency timers, and the
 * {@code redis} Actuator endpoint with advice, big keys and the slow log.
 */
@NullMarked
package dev.redisboot.actuate;

import org.jspecify.annotations.NullMarked;
