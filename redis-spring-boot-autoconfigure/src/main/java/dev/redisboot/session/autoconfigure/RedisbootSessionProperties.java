package dev.redisboot.session.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import dev.redisboot.core.autoconfigure.EncryptionKeysProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of redisboot's HTTP sessions. The session timeout, cookie and
 * Spring Session's own settings stay where Spring Boot has them: {@code spring.session.timeout}
 * (or {@code server.servlet.session.timeout}), {@code server.servlet.session.cookie.*} and
 * {@code spring.session.data.redis.*}.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.session")
public class RedisbootSessionProperties {

	/**
	 * Whether redisboot configures HTTP sessions in Redis.
	 */
	private boolean enabled = true;

	/**
	 * Packages, besides the application's own (those of @SpringBootApplication), whose types
	 * may be stored in session attributes. Each allows its sub-packages. Spring Security's
	 * types are allowed when it is present.
	 */
	private List<String> allowedPackages = new ArrayList<>();

	/**
	 * Most sessions one principal may have at once; signing in once more revokes the oldest.
	 * 0 for no limit.
	 */
	private int maxSessionsPerPrincipal = 0;

	/**
	 * How often each instance looks for expired sessions, to count them and to keep the
	 * active-session gauge current. Sessions expire in Redis on time regardless.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(1);

	/**
	 * Longest a session read or write may wait for Redis before the request fails.
	 */
	private Duration redisTimeout = Duration.ofSeconds(2);

	/**
	 * Circuit breaker that stops calling Redis during an outage: requests that need the
	 * session store then fail at once with HTTP 503 instead of each waiting for
	 * redis-timeout.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	/**
	 * Encryption of session attribute values at rest with AES-GCM. Its keys, when set, also
	 * encrypt the session ids stored for finding sessions by principal name.
	 */
	private final Encryption encryption = new Encryption();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getAllowedPackages() {
		return this.allowedPackages;
	}

	public void setAllowedPackages(List<String> allowedPackages) {
		this.allowedPackages = allowedPackages;
	}

	public int getMaxSessionsPerPrincipal() {
		return this.maxSessionsPerPrincipal;
	}

	public void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

	public Duration getRedisTimeout() {
		return this.redisTimeout;
	}

	public void setRedisTimeout(Duration redisTimeout) {
		this.redisTimeout = redisTimeout;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	/**
	 * Encryption of session attribute values at rest with AES-GCM.
	 */
	public static class Encryption extends EncryptionKeysProperties {

		/**
		 * Whether session attribute values are written encrypted. Unencrypted values stay
		 * readable, so switching this on signs nobody out.
		 */
		private boolean enabled = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
