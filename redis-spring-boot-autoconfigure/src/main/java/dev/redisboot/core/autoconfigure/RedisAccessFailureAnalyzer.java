package dev.redisboot.core.autoconfigure;

import dev.redisboot.core.redis.RedisAccessException;
import dev.redisboot.core.redis.RedisFailureCause;
import io.lettuce.core.RedisConnectionException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * {@link FailureAnalyzer} for Redis that cannot be used at startup: a
 * {@link RedisAccessException} from redisboot's startup check, or a Lettuce
 * {@link RedisConnectionException} from any bean that connected first. The report names the
 * cause (Redis's reply or the network error) and the {@code spring.data.redis.*} and
 * {@code spring.ssl.bundle.*} properties to check; it never prints a password.
 *
 * @author redisboot
 */
public class RedisAccessFailureAnalyzer implements FailureAnalyzer {

	private final @Nullable Environment environment;

	/**
	 * Creates the analyzer; Spring Boot passes the failed application's environment.
	 * @param environment the environment, or {@code null}
	 */
	public RedisAccessFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		RedisConnectionException connection = null;
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof RedisAccessException access) {
				return new FailureAnalysis(access.getDescription(), access.getAction(), access);
			}
			if (connection == null && cause instanceof RedisConnectionException found) {
				connection = found;
			}
		}
		if (connection == null) {
			return null;
		}
		RedisConnectionTarget target = targetFromEnvironment();
		RedisFailureCause cause = target.refine(RedisFailureCause.of(connection));
		return new FailureAnalysis(target.describe(cause), target.action(cause), connection);
	}

	private RedisConnectionTarget targetFromEnvironment() {
		Environment env = this.environment;
		if (env == null) {
			return new RedisConnectionTarget("?", null, false, false);
		}
		String url = env.getProperty("spring.data.redis.url");
		String address;
		if (url != null) {
			// the URL may carry credentials: show its host part only
			int at = url.lastIndexOf('@');
			int scheme = url.indexOf("://");
			address = url.substring(0, scheme + 3) + url.substring(Math.max(at + 1, scheme + 3));
		}
		else {
			address = env.getProperty("spring.data.redis.host", "localhost") + ":"
					+ env.getProperty("spring.data.redis.port", "6379");
		}
		return new RedisConnectionTarget(address, env.getProperty("spring.data.redis.username"),
				env.containsProperty("spring.data.redis.password") || (url != null && url.contains("@")),
				env.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false)
						|| env.containsProperty("spring.data.redis.ssl.bundle")
						|| (url != null && url.startsWith("rediss:")));
	}

}
