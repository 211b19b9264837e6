/**
 * HTTP sessions in Redis: a Spring Session repository that stores attributes as JSON, drops
 * unreadable sessions instead of failing requests, and signs a principal out everywhere.
 */
@NullMarked
package dev.redisboot.session;

import org.jspecify.annotations.NullMarked;
