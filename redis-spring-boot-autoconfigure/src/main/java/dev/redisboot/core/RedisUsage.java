package dev.redisboot.core;

import java.util.function.BooleanSupplier;

/**
 * What one redisboot feature keeps in Redis, declared as a bean by the feature's
 * auto-configuration so that operational advice (the {@code redis} Actuator endpoint) can
 * judge the server's settings against what the application stores: caches want a memory
 * limit and an eviction policy, sessions and jobs want persistence, and sessions, jobs, locks
 * and rate limits want no eviction.
 *
 * @param kind what kind of data the feature stores
 * @param description a short description, such as {@code "caches products, users"}
 * @param inUse whether the feature stores anything at the moment (a stream container
 * without listeners does not)
 * @param channels whether the feature publishes or subscribes to pub/sub channels, so that
 * the startup check tests the connection's channel rights ({@code &<prefix>:*})
 * @param server the name of the Redis server the feature stores on:
 * {@value #DEFAULT_SERVER} for the application's ({@code spring.data.redis.*}), or the name
 * of a separate server (such as {@code cache} for {@code redisboot.cache.redis.*}), so that
 * the advice judges each server by what it holds
 */
public record RedisUsage(Kind kind, String description, BooleanSupplier inUse, boolean channels, String server) {

	/**
	 * The name of the application's own server ({@code spring.data.redis.*}).
	 */
	public static final String DEFAULT_SERVER = "default";

	/**
	 * A usage of the application's own server.
	 * @param kind what kind of data is stored
	 * @param description a short description
	 * @param inUse whether the feature stores anything at the moment
	 * @param channels whether the feature uses pub/sub channels
	 */
	public RedisUsage(Kind kind, String description, BooleanSupplier inUse, boolean channels) {
		this(kind, description, inUse, channels, DEFAULT_SERVER);
	}

	/**
	 * The same usage, on another server.
	 * @param server the server's name, such as {@code cache}
	 * @return the usage
	 */
	public RedisUsage onServer(String server) {
		return new RedisUsage(this.kind, this.description, this.inUse, this.channels, server);
	}

	/**
	 * Whether the feature stores on the application's own server.
	 * @return whether the server is {@value #DEFAULT_SERVER}
	 */
	public boolean isOnDefaultServer() {
		return DEFAULT_SERVER.equals(this.server);
	}

	/**
	 * A usage that keeps data in keys only, without pub/sub channels.
	 * @param kind what kind of data is stored
	 * @param description a short description
	 * @param inUse whether the feature stores anything at the moment
	 */
	public RedisUsage(Kind kind, String description, BooleanSupplier inUse) {
		this(kind, description, inUse, false);
	}

	/**
	 * A usage of pub/sub channels, always in use.
	 * @param description a short description, such as {@code "near-cache invalidation"}
	 * @return the usage
	 */
	public static RedisUsage ofChannels(String description) {
		return new RedisUsage(Kind.MESSAGES, description, () -> true, true);
	}

	/**
	 * A usage that is always in use.
	 * @param kind what kind of data is stored
	 * @param description a short description
	 * @return the usage
	 */
	public static RedisUsage of(Kind kind, String description) {
		return new RedisUsage(kind, description, () -> true);
	}

	/**
	 * Kinds of data redisboot features keep in Redis.
	 */
	public enum Kind {

		/**
		 * Values that can be computed again: losing them costs time, not data.
		 */
		CACHE,

		/**
		 * Users' HTTP sessions: losing them signs users out.
		 */
		SESSIONS,

		/**
		 * Stream entries and background jobs: losing them loses work.
		 */
		JOBS,

		/**
		 * Rate-limit buckets: losing them resets the limits.
		 */
		RATE_LIMITS,

		/**
		 * Distributed locks: lock keys with a TTL (the lease) and fencing counters. Losing a
		 * held lock key lets a second holder run at the same time.
		 */
		LOCKS,

		/**
		 * Pub/sub messages: nothing is stored, but the connection needs channel rights.
		 */
		MESSAGES

	}

}
