package dev.redisboot.cache;

import java.util.Collection;

import dev.redisboot.core.json.TypeAllowlist;
import dev.redisboot.core.json.TypedJsonSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Benchmark-side access to redisboot's {@link TypedJsonSerializer}, the JSON
 * mapper every {@link RedisbootCache} uses, so that {@code CacheDecodeBenchmark} measures the
 * real code without Redis. It lives in the benchmarks module under the auto-configuration's
 * package name, which a flat class path allows; nothing in the auto-configuration changes.
 */
public final class CacheValueSerializerAccess {

	private final TypedJsonSerializer serializer;

	/**
	 * Creates the serializer a cache manager creates for an application whose packages are
	 * given.
	 * @param allowedPackages the application's packages, as {@code AutoConfigurationPackages}
	 * would give them
	 */
	public CacheValueSerializerAccess(Collection<String> allowedPackages) {
		this.serializer = new TypedJsonSerializer(TypeAllowlist.of(allowedPackages));
	}

	/**
	 * Writes a value as the cache does.
	 * @param value the value
	 * @return its JSON
	 */
	public byte[] serialize(@Nullable Object value) {
		return this.serializer.serialize(value);
	}

	/**
	 * Reads a value as the cache does on a hit.
	 * @param json the JSON
	 * @return the value
	 */
	public @Nullable Object deserialize(byte[] json) {
		return this.serializer.deserialize(json);
	}

}
