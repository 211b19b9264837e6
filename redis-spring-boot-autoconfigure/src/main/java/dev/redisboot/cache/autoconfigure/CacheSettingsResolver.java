package dev.redisboot.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.redisboot.cache.CacheAudit;
import dev.redisboot.cache.CacheSettings;
import dev.redisboot.core.AccessAuditor;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.codec.CompressionCodec;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypeAllowlist;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link RedisbootCacheProperties} into validated {@link CacheSettings}, failing with an
 * {@link InvalidPropertyException} that names the property for every wrong value. The one
 * place where {@code redisboot.cache.*} is validated, with the shared
 * {@link PropertyChecks}.
 */
final class CacheSettingsResolver {

	private static final String PREFIX = "redisboot.cache.";

	private static final double MAX_JITTER = 0.5;

	private static final Duration MAX_LOCK_TTL = Duration.ofMinutes(10);

	private static final boolean CAFFEINE_PRESENT = ClassUtils
		.isPresent("com.github.benmanes.caffeine.cache.Caffeine", CacheSettingsResolver.class.getClassLoader());

	private final RedisbootCacheProperties properties;

	CacheSettingsResolver(RedisbootCacheProperties properties) {
		this.properties = properties;
	}

	CacheSettings defaults() {
		RedisbootCacheProperties p = this.properties;
		Duration ttl = PropertyChecks.positive(PREFIX + "default-ttl", p.getDefaultTtl(), "1h");
		Duration timeToIdle = PropertyChecks.positiveIfSet(PREFIX + "time-to-idle", p.getTimeToIdle(), "30m");
		RedisbootCacheProperties.NearCache near = p.getNearCache();
		return new CacheSettings(ttl, jitter(PREFIX + "ttl-jitter", p.getTtlJitter()), timeToIdle, p.isCacheNulls(),
				PropertyChecks.positive(PREFIX + "null-ttl", p.getNullTtl(), "1m"),
				envelope(PREFIX, p.getCompression().isEnabled(), p.getCompression().getCompressAbove(),
						p.getEncryption().isEnabled()),
				loading(PREFIX, p.getLockTtl(), p.getLockWait(), p.getRefreshAhead(), PREFIX + "time-to-idle",
						timeToIdle),
				nearCache(PREFIX, near.isEnabled(), near.getMaxSize(), near.getTtl(), PREFIX + "default-ttl", ttl));
	}

	/**
	 * The audit of the caches marked {@code audit}, or {@code null} when none is.
	 * @param auditor the audit trail's auditor, or {@code null} when the trail is off
	 */
	@Nullable CacheAudit audit(@Nullable AccessAuditor auditor) {
		Set<String> audited = new LinkedHashSet<>();
		this.properties.getCaches().forEach((name, spec) -> {
			if (spec.isAudit()) {
				audited.add(name);
			}
		});
		if (audited.isEmpty()) {
			return null;
		}
		if (auditor == null) {
			throw new InvalidPropertyException(PREFIX + "caches." + audited.iterator().next() + ".audit", true,
					"Auditing a cache needs the audit trail, which is switched off (redisboot.audit.enabled=false)",
					"Set redisboot.audit.enabled=true, or remove the cache's audit setting.");
		}
		RedisbootCacheProperties.Audit audit = this.properties.getAudit();
		double sampleRate = percentage(PREFIX + "audit.sample-rate", audit.getSampleRate(), 0.0, false, 1.0, true,
				"Use a percentage above 0% and at most 100%, such as 100% or 10%.");
		int maxPerSecond = (int) PropertyChecks.between(PREFIX + "audit.max-per-second", audit.getMaxPerSecond(), 1,
				CacheAudit.MAX_PER_SECOND_LIMIT, "100");
		return new CacheAudit(audited, auditor, sampleRate, maxPerSecond, audit.isReads(),
				audit.getActor() == RedisbootCacheProperties.Audit.ActorForm.DIGEST);
	}

	int serverTimingMaxEntries() {
		return (int) PropertyChecks.between(PREFIX + "server-timing.max-entries",
				this.properties.getServerTiming().getMaxEntries(), 1, 100, "10");
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
		Duration ttl = (spec.getTtl() != null) ? PropertyChecks.positive(prefix + "ttl", spec.getTtl(), "15m")
				: defaults.ttl();
		double jitter = (spec.getTtlJitter() != null) ? jitter(prefix + "ttl-jitter", spec.getTtlJitter())
				: defaults.ttlJitter();
		Duration timeToIdle = (spec.getTimeToIdle() != null)
				? PropertyChecks.positive(prefix + "time-to-idle", spec.getTimeToIdle(), "30m") : defaults.timeToIdle();
		boolean cacheNulls = (spec.getCacheNulls() != null) ? spec.getCacheNulls() : defaults.cacheNulls();
		Duration nullTtl = (spec.getNullTtl() != null)
				? PropertyChecks.positive(prefix + "null-ttl", spec.getNullTtl(), "1m") : defaults.nullTtl();
		Boolean compression = spec.getCompression().getEnabled();
		DataSize compressAbove = spec.getCompression().getCompressAbove();
		Boolean encrypted = spec.getEncryption().getEnabled();
		ValueEnvelope envelope = envelope(prefix,
				(compression != null) ? compression : p.getCompression().isEnabled(),
				(compressAbove != null) ? compressAbove : p.getCompression().getCompressAbove(),
				(encrypted != null) ? encrypted : p.getEncryption().isEnabled());
		String timeToIdleProperty = (spec.getTimeToIdle() != null) ? prefix + "time-to-idle" : PREFIX + "time-to-idle";
		CacheSettings.Loading loading = loading(prefix,
				(spec.getLockTtl() != null) ? spec.getLockTtl() : p.getLockTtl(),
				(spec.getLockWait() != null) ? spec.getLockWait() : p.getLockWait(),
				(spec.getRefreshAhead() != null) ? spec.getRefreshAhead() : p.getRefreshAhead(), timeToIdleProperty,
				timeToIdle);
		CacheSpec.NearCache near = spec.getNearCache();
		CacheSettings.NearCache nearCache = nearCache(prefix,
				(near.getEnabled() != null) ? near.getEnabled() : p.getNearCache().isEnabled(),
				(near.getMaxSize() != null) ? near.getMaxSize() : p.getNearCache().getMaxSize(),
				(near.getTtl() != null) ? near.getTtl() : p.getNearCache().getTtl(),
				(spec.getTtl() != null) ? prefix + "ttl" : PREFIX + "default-ttl", ttl);
		return new CacheSettings(ttl, jitter, timeToIdle, cacheNulls, nullTtl, envelope, loading, nearCache,
				spec.isDigestKeys());
	}

	private CacheSettings.Loading loading(String prefix, Duration lockTtl, Duration lockWait,
			@Nullable String refreshAhead, String timeToIdleProperty, @Nullable Duration timeToIdle) {
		PropertyChecks.positive(prefix + "lock-ttl", lockTtl, "10s");
		if (lockTtl.compareTo(MAX_LOCK_TTL) > 0) {
			throw new InvalidPropertyException(prefix + "lock-ttl", lockTtl,
					"The lock TTL must be at most " + MAX_LOCK_TTL.toMinutes()
							+ " minutes: it is how long every other caller may wait when a loader dies",
					"Use a duration a little longer than the slowest load, such as 10s.");
		}
		PropertyChecks.positive(prefix + "lock-wait", lockWait, "10s");
		double refresh = 0;
		if (refreshAhead != null) {
			refresh = percentage(prefix + "refresh-ahead", refreshAhead, 0.0, false, 1.0, false,
					"Use a percentage of the TTL above 0% and below 100%, such as 80%.");
			if (timeToIdle != null) {
				throw new InvalidPropertyException(prefix + "refresh-ahead", refreshAhead,
						"Refresh-ahead needs the age of entries, but " + timeToIdleProperty
								+ " resets it on every read",
						"Use either refresh-ahead or time-to-idle for this cache.");
			}
		}
		return new CacheSettings.Loading(true, lockTtl, lockWait, refresh);
	}

	private CacheSettings.@Nullable NearCache nearCache(String prefix, boolean enabled, long maxSize, Duration ttl,
			String cacheTtlProperty, Duration cacheTtl) {
		if (!enabled) {
			return null;
		}
		if (!CAFFEINE_PRESENT) {
			throw new InvalidPropertyException(prefix + "near-cache.enabled", true,
					"The near cache needs Caffeine, which is not on the class path",
					"Add com.github.ben-manes.caffeine:caffeine (redis-spring-boot-starter brings it), or set "
							+ prefix + "near-cache.enabled=false.");
		}
		PropertyChecks.atLeast(prefix + "near-cache.max-size", maxSize, 1, "10000");
		PropertyChecks.positive(prefix + "near-cache.ttl", ttl, "1m");
		if (ttl.compareTo(cacheTtl) > 0) {
			throw new InvalidPropertyException(prefix + "near-cache.ttl", ttl,
					"The near cache would keep entries longer than Redis does (" + cacheTtlProperty + "=" + cacheTtl
							+ ")",
					"Use a near-cache TTL no longer than the cache's TTL, such as 1m.");
		}
		return new CacheSettings.NearCache(maxSize, ttl);
	}

	/**
	 * Whether a cache's @Cacheable operations are all made synchronized, so that its misses
	 * reach the cache with the loader: for stampede protection, for refresh-ahead (which
	 * calls the loader again), and for a near cache (whose loads must not be announced as
	 * changes, which only a synchronized load can tell apart from a put).
	 */
	boolean isSynchronized(String cacheName) {
		CacheSpec spec = this.properties.getCaches().get(cacheName);
		Boolean protection = (spec != null) ? spec.getStampedeProtection() : null;
		String refreshAhead = (spec != null && spec.getRefreshAhead() != null) ? spec.getRefreshAhead()
				: this.properties.getRefreshAhead();
		Boolean near = (spec != null) ? spec.getNearCache().getEnabled() : null;
		return ((protection != null) ? protection : this.properties.isStampedeProtection()) || refreshAhead != null
				|| ((near != null) ? near : this.properties.getNearCache().isEnabled());
	}

	boolean anyNearCache() {
		return this.properties.getNearCache().isEnabled() || this.properties.getCaches()
			.values()
			.stream()
			.anyMatch((spec) -> Boolean.TRUE.equals(spec.getNearCache().getEnabled()));
	}

	int refreshThreads() {
		return (int) PropertyChecks.between(PREFIX + "refresh-threads", this.properties.getRefreshThreads(), 1, 64,
				"4");
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
		RedisbootCacheProperties.Encryption encryption = this.properties.getEncryption();
		if (encrypt) {
			return envelope.withEncryption(encryption.requireKeyRing(PREFIX + "encryption.", prefix + "encryption.enabled"))
				.withEncryptionRequired(true);
		}
		// Unencrypted caches write plain values but can still read values written while they were encrypted.
		return envelope.withDecryptionOnly(encryption.createKeyRing(PREFIX + "encryption."));
	}

	/**
	 * The types that cached values may have: the application's packages (those of its
	 * {@code @SpringBootApplication} or {@code @AutoConfigurationPackage} classes) and
	 * {@code redisboot.cache.allowed-packages}. An application package too broad to allow
	 * (one segment, such as {@code app}) is left out; if nothing else is allowed then,
	 * startup fails with a message that says what was derived and what to set.
	 * @param applicationPackages the application's packages, from
	 * {@code AutoConfigurationPackages}
	 * @return the allowlist
	 */
	TypeAllowlist allowlist(List<String> applicationPackages) {
		List<String> configured = this.properties.getAllowedPackages();
		try {
			TypeAllowlist.of(configured);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException(PREFIX + "allowed-packages", configured, ex.getMessage(),
					"List package names such as com.example.shop; each allows its sub-packages.");
		}
		List<String> packages = new ArrayList<>(configured);
		List<String> tooBroad = new ArrayList<>();
		for (String applicationPackage : applicationPackages) {
			try {
				TypeAllowlist.of(List.of(applicationPackage));
				packages.add(applicationPackage);
			}
			catch (IllegalArgumentException ex) {
				tooBroad.add(applicationPackage);
			}
		}
		if (!tooBroad.isEmpty() && configured.isEmpty()) {
			String names = String.join("', '", tooBroad);
			throw new InvalidPropertyException(PREFIX + "allowed-packages", null,
					"It is not set, and the application's package '" + names + "' (where its @SpringBootApplication "
							+ "class is, found through AutoConfigurationPackages), from which cached values would "
							+ "be allowed by default, is too broad to allow: a package of one segment may hold "
							+ "classes that must never be created from data in Redis",
					"Set " + PREFIX + "allowed-packages to the packages of the types you cache, each of at least "
							+ "two segments, such as " + tooBroad.get(0) + ".model (types directly in '"
							+ tooBroad.get(0) + "' cannot be allowed: move them to a sub-package), or set "
							+ PREFIX + "enabled=false if the application caches nothing.");
		}
		return TypeAllowlist.of(packages);
	}

	Duration timeout() {
		return PropertyChecks.positive(PREFIX + "timeout", this.properties.getTimeout(), "500ms");
	}

	Duration warmingTimeout() {
		return PropertyChecks.positive(PREFIX + "warming.timeout", this.properties.getWarming().getTimeout(), "60s");
	}

	/**
	 * Parses a jitter such as {@code 10%} (or {@code 0.1}) into a fraction.
	 */
	static double jitter(String property, String value) {
		return percentage(property, value, 0, true, MAX_JITTER, true,
				"Use a percentage from 0% to 50%, such as 10%: more would expire entries far earlier than their TTL.");
	}

	/**
	 * Parses a percentage such as {@code 80%} (or the fraction {@code 0.8}) that must lie
	 * between two bounds.
	 */
	static double percentage(String property, String value, double min, boolean minIncluded, double max,
			boolean maxIncluded, String action) {
		String text = value.trim();
		double fraction;
		try {
			fraction = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
					: Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			throw new InvalidPropertyException(property, value, "The value is not a percentage", action);
		}
		boolean aboveMin = minIncluded ? fraction >= min : fraction > min;
		boolean belowMax = maxIncluded ? fraction <= max : fraction < max;
		if (!(aboveMin && belowMax)) {
			throw new InvalidPropertyException(property, value,
					"The percentage must be " + (minIncluded ? "at least " : "above ") + format(min) + " and "
							+ (maxIncluded ? "at most " : "below ") + format(max),
					action);
		}
		return fraction;
	}

	private static String format(double fraction) {
		return Math.round(fraction * 100) + "%";
	}

}
