/**
 * Auto-configuration of redisboot's Redis health indicator, server metrics, command latency
 * timers and {@code redis} Actuator endpoint.
 */
@NullMarked
package dev.redisboot.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;
