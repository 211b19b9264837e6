/**
 * Auto-configuration of redisboot's pub/sub support.
 */
@NullMarked
package dev.redisboot.pubsub.autoconfigure;

import org.jspecify.annotations.NullMarked;
