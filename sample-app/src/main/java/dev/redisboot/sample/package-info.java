/**
 * A small SaaS-style web application that uses the redisboot starter the way a real user
 * would. Each feature lives in a package of its own.
 */
@NullMarked
package dev.redisboot.sample;

import org.jspecify.annotations.NullMarked;
