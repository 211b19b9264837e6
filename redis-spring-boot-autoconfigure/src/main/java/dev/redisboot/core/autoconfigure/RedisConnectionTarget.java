package dev.redisboot.core.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.redisboot.core.redis.RedisFailureCause;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Where and as whom the application connects to Redis, described for failure reports
 * without the password, and the wording of those reports.
 *
 * @param address the address or addresses, such as {@code localhost:6379}
 * @param username the ACL user name, or {@code null} for the default user
 * @param password whether a password is configured
 * @param ssl whether the connection uses TLS
 */
record RedisConnectionTarget(String address, @Nullable String username, boolean password, boolean ssl,
		String propertyPrefix, @Nullable String server) {

	/**
	 * The application's own server, configured with {@code spring.data.redis.*}.
	 */
	static final String DEFAULT_PREFIX = "spring.data.redis";

	RedisConnectionTarget(String address, @Nullable String username, boolean password, boolean ssl) {
		this(address, username, password, ssl, DEFAULT_PREFIX, null);
	}

	/**
	 * The same target, as a separate server of the application (such as the caches' own
	 * Redis), configured with other properties.
	 * @param propertyPrefix the properties, such as {@code redisboot.cache.redis}
	 * @param server the server's name, such as {@code cache}
	 * @return the target
	 */
	RedisConnectionTarget asServer(String propertyPrefix, String server) {
		return new RedisConnectionTarget(this.address, this.username, this.password, this.ssl, propertyPrefix, server);
	}

	/**
	 * How messages name the server: {@code Redis}, or {@code The cache Redis
	 * (redisboot.cache.redis.*)}.
	 */
	String redis() {
		return (this.server != null) ? "The " + this.server + " Redis (" + this.propertyPrefix + ".*)" : "Redis";
	}

	static RedisConnectionTarget of(LettuceConnectionFactory factory) {
		boolean ssl = factory.getClientConfiguration().isUseSsl();
		RedisClusterConfiguration cluster = factory.getClusterConfiguration();
		if (cluster != null) {
			return new RedisConnectionTarget("cluster " + nodes(cluster.getClusterNodes()), cluster.getUsername(),
					cluster.getPassword().isPresent(), ssl);
		}
		RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
		if (sentinel != null) {
			String master = (sentinel.getMaster() != null) ? sentinel.getMaster().getName() : "?";
			return new RedisConnectionTarget("master '" + master + "' via Sentinels " + nodes(sentinel.getSentinels()),
					sentinel.getUsername(), sentinel.getPassword().isPresent(), ssl);
		}
		RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
		return new RedisConnectionTarget(standalone.getHostName() + ":" + standalone.getPort(),
				standalone.getUsername(), standalone.getPassword().isPresent(), ssl);
	}

	private static String nodes(Iterable<RedisNode> nodes) {
		List<String> names = new ArrayList<>();
		nodes.forEach((node) -> names.add(node.getHost() + ":" + node.getPort()));
		return String.join(", ", names);
	}

	String user() {
		return (this.username != null) ? this.username : "default";
	}

	/**
	 * Reads a failure in the light of the connection's settings: a TLS client talking to a
	 * plain port gets no TLS error, its handshake only times out.
	 */
	RedisFailureCause refine(RedisFailureCause cause) {
		if (this.ssl && cause.reason() == RedisFailureCause.Reason.OTHER
				&& cause.message().contains("initialization timed out")) {
			return new RedisFailureCause(RedisFailureCause.Reason.TLS, cause.message()
					+ " (the TLS handshake got no answer: is the port a plain-text port?)");
		}
		return cause;
	}

	/**
	 * Describes a connection failure.
	 */
	String describe(RedisFailureCause cause) {
		String who = String.format(" (%s, user '%s', %s, %s)", this.address, user(),
				this.password ? "password set" : "no password", this.ssl ? "TLS" : "no TLS");
		String redis = redis();
		String what = switch (cause.reason()) {
			case WRONG_CREDENTIALS -> redis + " rejected the application's user name or password";
			case MISSING_CREDENTIALS -> redis + " requires a password and the application sent none";
			case TLS -> (this.server != null)
					? "The TLS connection to the " + this.server + " Redis (" + this.propertyPrefix + ".*) failed"
					: "The TLS connection to Redis failed";
			case UNREACHABLE -> redis + " could not be reached";
			case NO_PERMISSION -> redis + " refused a command to the application's user";
			case OTHER -> redis + " could not be used";
		};
		return what + who + ": " + cause.message();
	}

	/**
	 * Says which settings to check for a connection failure.
	 */
	String action(RedisFailureCause cause) {
		String action = defaultAction(cause);
		return DEFAULT_PREFIX.equals(this.propertyPrefix) ? action
				: action.replace(DEFAULT_PREFIX + ".", this.propertyPrefix + ".");
	}

	private static String defaultAction(RedisFailureCause cause) {
		return switch (cause.reason()) {
			case WRONG_CREDENTIALS, MISSING_CREDENTIALS -> "Check spring.data.redis.username and"
					+ " spring.data.redis.password (or the credentials in spring.data.redis.url; for Sentinel also"
					+ " spring.data.redis.sentinel.username and .password) against the server's requirepass or ACL"
					+ " user (ACL WHOAMI / ACL LIST on the server).";
			case TLS -> "Check that spring.data.redis.ssl.enabled matches the port (TLS ports only speak TLS, plain"
					+ " ports only plain text), and that the SSL bundle named in spring.data.redis.ssl.bundle"
					+ " (spring.ssl.bundle.pem.<name>.truststore.certificate or spring.ssl.bundle.jks.<name>.*) trusts the"
					+ " server's certificate.";
			case UNREACHABLE -> "Check spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url,"
					+ " spring.data.redis.sentinel.nodes, spring.data.redis.cluster.nodes) and that Redis runs and is"
					+ " reachable from here. redisboot starts without Redis unless"
					+ " redisboot.connection.require-at-startup=true.";
			case NO_PERMISSION, OTHER -> "Check the Redis server's log and the spring.data.redis.* settings; a"
					+ " connection that times out while initializing may be plain text against a TLS-only port"
					+ " (spring.data.redis.ssl.enabled).";
		};
	}

}
