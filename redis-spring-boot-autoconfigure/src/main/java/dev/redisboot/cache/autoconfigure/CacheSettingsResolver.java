package dev.redisboot.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.redisboot.cache.CacheSettings;
import dev.redisboot.cache.autoconfigure.RedisbootCacheProperties.CacheSpec;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.codec.CompressionCodec;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypeAllowlist;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Turns {@link RedisbootCacheProperties} into validated {@link CacheSettings}, failing with an
 * {@link InvalidPropertyException} that names the property for every wrong value.
 */
final class CacheSettingsResolver {

	private static final String PREFIX = "redisboot.cache.";

	private static final double MAX_JITTER = 0.5;

	private final RedisbootCacheProperties properties;

	private @Nullable EncryptionKeyRing keyRing;

	private boolean keyRingResolved;

	CacheSettingsResolver(RedisbootCacheProperties properties) {
		this.properties = properties;
	}

	CacheSettings defaults() {
		RedisbootCacheProperties p = this.properties;
		return new CacheSettings(positive(PREFIX + "default-ttl", p.getDefaultTtl()),
				jitter(PREFIX + "ttl-jitter", p.getTtlJitter()), optionalPositive(PREFIX + "time-to-idle", p.getTimeToIdle()),
				p.isCacheNulls(), positive(PREFIX + "null-ttl", p.getNullTtl()),
				envelope(PREFIX, p.getCompression().isEnabled(), p.getCompression().getCompressAbove(),
						p.getEncryption().isEnabled()));
	}

	Map<String, CacheSettings> caches() {
		CacheSettings defaults = defaults();
		Map<String, CacheSettings> caches = new LinkedHashMap<>();
		this.properties.getCaches().forEach((name, spec) -> caches.put(name, cache(name, spec, defaults)));
		return caches;
	}

	private CacheSettings cache(String name, CacheSpec spec, CacheSettings defaults) {
		String prefix = PREFIX + "caches." + name + ".";
		RedisbootCacheProperties p = this.properties;
		Duration ttl = (spec.getTtl() != null) ? positive(prefix + "ttl", spec.getTtl()) : defaults.ttl();
		double jitter = (spec.getTtlJitter() != null) ? jitter(prefix + "ttl-jitter", spec.getTtlJitter())
				: defaults.ttlJitter();
		Duration timeToIdle = (spec.getTimeToIdle() != null) ? positive(prefix + "time-to-idle", spec.getTimeToIdle())
				: defaults.timeToIdle();
		boolean cacheNulls = (spec.getCacheNulls() != null) ? spec.getCacheNulls() : defaults.cacheNulls();
		Duration nullTtl = (spec.getNullTtl() != null) ? positive(prefix + "null-ttl", spec.getNullTtl())
				: defaults.nullTtl();
		Boolean compression = spec.getCompression().getEnabled();
		DataSize compressAbove = spec.getCompression().getCompressAbove();
		Boolean encrypted = spec.getEncryption().getEnabled();
		ValueEnvelope envelope = envelope(prefix,
				(compression != null) ? compression : p.getCompression().isEnabled(),
				(compressAbove != null) ? compressAbove : p.getCompression().getCompressAbove(),
				(encrypted != null) ? encrypted : p.getEncryption().isEnabled());
		return new CacheSettings(ttl, jitter, timeToIdle, cacheNulls, nullTtl, envelope);
	}

	private ValueEnvelope envelope(String prefix, boolean compress, DataSize compressAbove, boolean encrypt) {
		ValueEnvelope envelope = ValueEnvelope.defaults();
		if (compress) {
			CompressionCodec codec = this.properties.getCompression().getCodec();
			if (!codec.isAvailable()) {
				throw new InvalidPropertyException(PREFIX + "compression.codec", codec.name().toLowerCase(Locale.ROOT),
						"The " + codec + " codec cannot be loaded on this platform (" + System.getProperty("os.name")
								+ ", " + System.getProperty("os.arch") + ")",
						"Add its library to the class path, choose another codec, or set "
								+ PREFIX + "compression.enabled=false.");
			}
			long above = compressAbove.toBytes();
			if (above < 0 || above > Integer.MAX_VALUE) {
				throw new InvalidPropertyException(prefix + "compression.compress-above", compressAbove,
						"The size must be between 0 and 2GB", "Use a size such as 1KB.");
			}
			envelope = envelope.withCompression(codec, (int) above);
		}
		else {
			envelope = envelope.withCompression(CompressionCodec.NONE, Integer.MAX_VALUE);
		}
		EncryptionKeyRing keys = keyRing();
		if (encrypt) {
			if (keys == null) {
				throw InvalidPropertyException.withValueWithheld(PREFIX + "encryption.keys",
						"Encryption is enabled (" + prefix + "encryption.enabled) but no key is configured",
						"Set " + PREFIX + "encryption.active-key-id and " + PREFIX
								+ "encryption.keys.<id> to a Base64 AES key (128, 192 or 256 bits), for example "
								+ "from the environment variable REDISBOOT_CACHE_ENCRYPTION_KEYS_<ID>. "
								+ "Generate one with: openssl rand -base64 32");
			}
			return envelope.withEncryption(keys).withEncryptionRequired(true);
		}
		// Unencrypted caches write plain values but can still read values written while they were encrypted.
		return envelope.withDecryptionOnly(keys);
	}

	private @Nullable EncryptionKeyRing keyRing() {
		if (!this.keyRingResolved) {
			RedisbootCacheProperties.Encryption encryption = this.properties.getEncryption();
			if (!encryption.getKeys().isEmpty() || encryption.getActiveKeyId() != null) {
				try {
					this.keyRing = EncryptionKeyRing.of(encryption.getActiveKeyId(), encryption.getKeys());
				}
				catch (IllegalArgumentException ex) {
					throw InvalidPropertyException.withValueWithheld(PREFIX + "encryption.keys", ex.getMessage(),
							"Set " + PREFIX + "encryption.active-key-id to one of the ids of " + PREFIX
									+ "encryption.keys, each a Base64 AES key of 128, 192 or 256 bits "
									+ "(openssl rand -base64 32).");
				}
			}
			this.keyRingResolved = true;
		}
		return this.keyRing;
	}

	TypeAllowlist allowlist(List<String> applicationPackages) {
		List<String> packages = new ArrayList<>(applicationPackages);
		packages.addAll(this.properties.getAllowedPackages());
		try {
			return TypeAllowlist.of(packages);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException(PREFIX + "allowed-packages", this.properties.getAllowedPackages(),
					ex.getMessage(), "List package names such as com.example.shop; each allows its sub-packages.");
		}
	}

	Duration timeout() {
		return positive(PREFIX + "timeout", this.properties.getTimeout());
	}

	int failureThreshold() {
		int threshold = this.properties.getCircuitBreaker().getFailureThreshold();
		if (threshold < 1) {
			throw new InvalidPropertyException(PREFIX + "circuit-breaker.failure-threshold", threshold,
					"The threshold must be at least 1", "Use a small count such as 3.");
		}
		return threshold;
	}

	Duration openDuration() {
		return positive(PREFIX + "circuit-breaker.open-duration", this.properties.getCircuitBreaker().getOpenDuration());
	}

	Duration warmingTimeout() {
		return positive(PREFIX + "warming.timeout", this.properties.getWarming().getTimeout());
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value, "The duration must be positive",
					"Use a positive duration such as 15m, 1h or 30s.");
		}
		return value;
	}

	private static @Nullable Duration optionalPositive(String property, @Nullable Duration value) {
		return (value != null) ? positive(property, value) : null;
	}

	/**
	 * Parses a jitter such as {@code 10%} (or {@code 0.1}) into a fraction.
	 */
	static double jitter(String property, String value) {
		String text = value.trim();
		double fraction;
		try {
			fraction = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
					: Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			throw new InvalidPropertyException(property, value, "The jitter is not a percentage",
					"Use a percentage from 0% to 50%, such as 10%.");
		}
		if (!(fraction >= 0 && fraction <= MAX_JITTER)) {
			throw new InvalidPropertyException(property, value, "The jitter must be between 0% and 50%",
					"Use a percentage from 0% to 50%, such as 10%: more would expire entries far earlier than their TTL.");
		}
		return fraction;
	}

}
