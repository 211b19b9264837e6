package dev.redisboot.session.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisProperties;

/**
 * Checks the session properties and turns them into what the session beans take, failing
 * startup with an {@link InvalidPropertyException} that names the wrong property: the one
 * place that validates {@code redisboot.session.*} (and the Spring Session property that
 * redisboot's repository cannot honour).
 *
 * @author redisboot
 */
final class SessionSettingsResolver {

	private static final String PREFIX = "redisboot.session.";

	private static final String ENCRYPTION = PREFIX + "encryption.";

	private static final String DERIVED_KEY_ID = "key-digest-secret";

	private final RedisbootSessionProperties properties;

	SessionSettingsResolver(RedisbootSessionProperties properties) {
		this.properties = properties;
	}

	/**
	 * Refuses what only Spring Session's indexed repository does.
	 */
	void checkRepositoryProperties(SessionDataRedisProperties springSessionProperties) {
		if (springSessionProperties.getCleanupCron() != null) {
			throw new InvalidPropertyException("spring.session.data.redis.cleanup-cron",
					springSessionProperties.getCleanupCron(),
					"Cron-based clean-up belongs to Spring Session's indexed repository",
					"Remove it: redisboot's repository cleans up every " + PREFIX + "cleanup-interval.");
		}
	}

	RedisCircuitBreaker circuitBreaker() {
		return this.properties.getCircuitBreaker().createBreaker(PREFIX + "circuit-breaker.");
	}

	/**
	 * The {@code Retry-After} of a 503 while the session store is unavailable: the breaker's
	 * open duration, in whole seconds, at least 1.
	 */
	long unavailableRetrySeconds() {
		Duration open = this.properties.getCircuitBreaker().getOpenDuration();
		return (open != null) ? Math.max(1, (open.toMillis() + 999) / 1000) : 1;
	}

	Duration redisTimeout() {
		return PropertyChecks.positive(PREFIX + "redis-timeout", this.properties.getRedisTimeout(), "2s");
	}

	Duration cleanupInterval() {
		return PropertyChecks.positive(PREFIX + "cleanup-interval", this.properties.getCleanupInterval(), "1m");
	}

	int maxSessionsPerPrincipal() {
		int max = this.properties.getMaxSessionsPerPrincipal();
		if (max < 0) {
			// not PropertyChecks.atLeast: "at least 0" would hide that 0 means no limit
			throw new InvalidPropertyException(PREFIX + "max-sessions-per-principal", max,
					"The maximum must not be negative",
					"Use 0 for no limit, or the most sessions one user may have at once, such as 5.");
		}
		return max;
	}

	/**
	 * The JSON of session attributes; checks {@code allowed-packages}.
	 */
	TypedJsonSerializer json(List<String> applicationPackages, ClassLoader classLoader) {
		return SessionJson.create(applicationPackages, this.properties.getAllowedPackages(), classLoader);
	}

	/**
	 * How attribute values are stored: encrypted if encryption is on (which needs keys), else
	 * plain JSON, still reading values encrypted with configured keys.
	 */
	ValueEnvelope attributeEnvelope() {
		RedisbootSessionProperties.Encryption encryption = this.properties.getEncryption();
		return encryption.isEnabled()
				? ValueEnvelope.defaults().withEncryption(encryption.requireKeyRing(ENCRYPTION, ENCRYPTION + "enabled"))
				: ValueEnvelope.defaults().withDecryptionOnly(encryption.createKeyRing(ENCRYPTION));
	}

	/**
	 * The key that session ids are stored encrypted with (for finding sessions by principal
	 * name): the session encryption keys if there are any, else one derived from the key
	 * digest secret; {@code null} without either, and ids are not stored.
	 */
	@Nullable EncryptionKeyRing sessionIdKeyRing(KeyDigester keyDigester) {
		EncryptionKeyRing configured = this.properties.getEncryption().createKeyRing(ENCRYPTION);
		if (configured != null) {
			return configured;
		}
		if (!keyDigester.isKeyed()) {
			return null;
		}
		// an HMAC of a constant under the secret: 192 bits that only the secret's holders can make
		String derived = keyDigester.digest("session-id-encryption-key", "AES-192");
		return EncryptionKeyRing.of(DERIVED_KEY_ID, Map.of(DERIVED_KEY_ID, derived));
	}

}
