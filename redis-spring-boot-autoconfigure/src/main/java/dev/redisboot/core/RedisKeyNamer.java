package dev.redisboot.core;

import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Builds every Redis key and {@code SCAN MATCH} pattern that redisboot writes or reads, so
 * that all features share one naming scheme:
 * <pre>
 * [prefix:]feature[:part]...              prod:cache:users:123
 * [prefix:]feature:{tag}[:part]...        prod:jobs:{email}:delayed
 * [prefix:]feature[:escaped part]...:*    prod:cache:users:*
 * </pre>
 * The optional prefix comes from {@code redisboot.key-prefix} and lets several
 * applications or environments share one Redis. Without a prefix, keys start at the
 * feature segment.
 * <p>
 * The feature is a short constant chosen by the calling code ({@code "cache"},
 * {@code "ratelimit"}); it must not be empty and must not contain {@code ':'}, braces or
 * whitespace. Parts are taken literally and may contain anything, including {@code ':'}:
 * the scheme is a naming convention, not a reversible encoding. A part that contains
 * {@code {...}} becomes a Redis Cluster hash tag, so use {@link #hashTaggedKey} when keys
 * must share a slot and do not rely on parts for it.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @author redisboot
 */
public final class RedisKeyNamer {

	/**
	 * Name of the property that holds the key prefix.
	 */
	public static final String PREFIX_PROPERTY = "redisboot.key-prefix";

	private static final char SEPARATOR = ':';

	private static final String GLOB_SPECIAL_CHARACTERS = "*?[]\\";

	private static final String PREFIX_FORBIDDEN_CHARACTERS = "{}*?[]\\";

	private static final String PREFIX_ACTION = "Use a prefix such as 'prod' or 'shop:prod': no whitespace, "
			+ "none of the characters { } * ? [ ] \\, and ':' only between segments. "
			+ "Remove the property to write keys without a prefix.";

	private final @Nullable String prefix;

	// "prefix:" or "", so key building is a single append
	private final String keyStart;

	/**
	 * Create a namer that writes keys without a prefix.
	 */
	public RedisKeyNamer() {
		this(null);
	}

	/**
	 * Create a namer that starts every key with the given prefix followed by {@code ':'}.
	 * @param prefix the prefix, for example {@code prod}, or {@code null} for none
	 * @throws InvalidPropertyException if the prefix is set but not usable; the exception
	 * names {@value #PREFIX_PROPERTY}
	 */
	public RedisKeyNamer(@Nullable String prefix) {
		validatePrefix(prefix);
		this.prefix = prefix;
		this.keyStart = (prefix != null) ? prefix + SEPARATOR : "";
	}

	/**
	 * Return the key prefix, without the trailing separator.
	 * @return the prefix, or an empty {@link Optional} when keys are written without one
	 */
	public Optional<String> prefix() {
		return Optional.ofNullable(this.prefix);
	}

	/**
	 * Build a key: {@code key("cache", "users", "123")} returns
	 * {@code prod:cache:users:123}, or {@code cache:users:123} without a prefix.
	 * @param feature the feature segment, such as {@code cache}
	 * @param parts the segments that follow, taken literally
	 * @return the key
	 * @throws IllegalArgumentException if the feature is empty or invalid, or a part is
	 * {@code null}
	 */
	public String key(String feature, String... parts) {
		StringBuilder key = start(feature);
		appendParts(key, parts, false);
		return key.toString();
	}

	/**
	 * Build a key whose Redis Cluster slot is decided by {@code tag} alone, so that all
	 * keys of one logical unit (a job queue, a rate-limit bucket and its counters) land in
	 * the same slot and can be used together in one script or transaction:
	 * {@code hashTaggedKey("jobs", "email", "delayed")} returns
	 * {@code prod:jobs:{email}:delayed}. The tag directly follows the feature segment.
	 * Prefix and feature cannot contain braces, so the tag is always the first
	 * {@code {...}} of the key, the one Redis hashes.
	 * @param feature the feature segment, such as {@code jobs}
	 * @param tag the hash tag, without braces; must not be empty or contain braces
	 * @param parts the segments after the tag, taken literally
	 * @return the key
	 * @throws IllegalArgumentException if the feature or tag is empty or invalid, or a
	 * part is {@code null}
	 */
	public String hashTaggedKey(String feature, String tag, String... parts) {
		StringBuilder key = start(feature);
		appendTag(key, tag, false);
		appendParts(key, parts, false);
		return key.toString();
	}

	/**
	 * Build a {@code SCAN MATCH} (or {@code KEYS}) pattern that matches every key under the
	 * given segments: {@code pattern("cache", "users")} returns {@code prod:cache:users:*}.
	 * Every part is {@linkplain #escapeGlob(String) escaped}, so a {@code *} or {@code ?}
	 * inside an id matches only itself and cannot widen the match; the only wildcard is
	 * the trailing {@code *}.
	 * @param feature the feature segment
	 * @param parts the literal segments that the matched keys start with, possibly none
	 * @return the pattern
	 * @throws IllegalArgumentException if the feature is empty or invalid, or a part is
	 * {@code null}
	 */
	public String pattern(String feature, String... parts) {
		StringBuilder pattern = start(feature, true);
		appendParts(pattern, parts, true);
		return pattern.append(SEPARATOR).append('*').toString();
	}

	/**
	 * Build a pattern that matches every key under the given hash tag and segments, as
	 * {@link #hashTaggedKey(String, String, String...)} writes them:
	 * {@code hashTaggedPattern("jobs", "email")} returns {@code prod:jobs:{email}:*}. Tag
	 * and parts are escaped as in {@link #pattern(String, String...)}.
	 * @param feature the feature segment
	 * @param tag the hash tag, without braces
	 * @param parts the literal segments after the tag, possibly none
	 * @return the pattern
	 * @throws IllegalArgumentException if the feature or tag is empty or invalid, or a
	 * part is {@code null}
	 */
	public String hashTaggedPattern(String feature, String tag, String... parts) {
		StringBuilder pattern = start(feature, true);
		appendTag(pattern, tag, true);
		appendParts(pattern, parts, true);
		return pattern.append(SEPARATOR).append('*').toString();
	}

	/**
	 * Escape the glob special characters {@code * ? [ ] \} of Redis {@code MATCH} patterns
	 * with a backslash, so that the result matches exactly the given text.
	 * @param literal the text to match literally
	 * @return the escaped text
	 */
	public static String escapeGlob(String literal) {
		@Nullable StringBuilder escaped = null;
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (GLOB_SPECIAL_CHARACTERS.indexOf(c) >= 0) {
				if (escaped == null) {
					escaped = new StringBuilder(literal.length() + 8).append(literal, 0, i);
				}
				escaped.append('\\');
			}
			if (escaped != null) {
				escaped.append(c);
			}
		}
		return (escaped != null) ? escaped.toString() : literal;
	}

	private StringBuilder start(String feature) {
		return start(feature, false);
	}

	private StringBuilder start(String feature, boolean escape) {
		validateFeature(feature);
		StringBuilder builder = new StringBuilder(64).append(this.keyStart);
		return builder.append(escape ? escapeGlob(feature) : feature);
	}

	private static void appendTag(StringBuilder builder, String tag, boolean escape) {
		if (tag == null || tag.isEmpty()) {
			throw new IllegalArgumentException("Hash tag must not be empty: Redis hashes the whole key for '{}'");
		}
		if (tag.indexOf('{') >= 0 || tag.indexOf('}') >= 0) {
			throw new IllegalArgumentException("Hash tag '" + tag + "' must not contain '{' or '}'");
		}
		builder.append(SEPARATOR).append('{').append(escape ? escapeGlob(tag) : tag).append('}');
	}

	private static void appendParts(StringBuilder builder, String[] parts, boolean escape) {
		if (parts == null) {
			throw new IllegalArgumentException("Key parts must not be null");
		}
		for (String part : parts) {
			if (part == null) {
				throw new IllegalArgumentException("Key parts must not contain null");
			}
			builder.append(SEPARATOR).append(escape ? escapeGlob(part) : part);
		}
	}

	private static void validateFeature(String feature) {
		if (feature == null || feature.isEmpty()) {
			throw new IllegalArgumentException("Feature must not be empty");
		}
		for (int i = 0; i < feature.length(); i++) {
			char c = feature.charAt(i);
			if (c == SEPARATOR || c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
				throw new IllegalArgumentException(
						"Feature '" + feature + "' must be a single segment without ':', braces or whitespace");
			}
		}
	}

	private static void validatePrefix(@Nullable String prefix) {
		if (prefix == null) {
			return;
		}
		if (prefix.isBlank()) {
			throw invalidPrefix(prefix, "must not be blank when set");
		}
		for (int i = 0; i < prefix.length(); i++) {
			char c = prefix.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c)) {
				throw invalidPrefix(prefix, "must not contain whitespace or control characters");
			}
			if (PREFIX_FORBIDDEN_CHARACTERS.indexOf(c) >= 0) {
				throw invalidPrefix(prefix, "must not contain '" + c + "'; braces would change the Redis Cluster "
						+ "hash slot and * ? [ ] \\ would corrupt SCAN patterns");
			}
		}
		if (prefix.charAt(0) == SEPARATOR || prefix.charAt(prefix.length() - 1) == SEPARATOR) {
			throw invalidPrefix(prefix, "must not start or end with ':', the separator is added automatically");
		}
		if (prefix.contains("::")) {
			throw invalidPrefix(prefix, "must not contain empty segments ('::')");
		}
	}

	private static InvalidPropertyException invalidPrefix(String prefix, String reason) {
		return new InvalidPropertyException(PREFIX_PROPERTY, prefix, "Key prefix " + reason, PREFIX_ACTION);
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		return (obj instanceof RedisKeyNamer other) && Objects.equals(this.prefix, other.prefix);
	}

	@Override
	public int hashCode() {
		return Objects.hashCode(this.prefix);
	}

	@Override
	public String toString() {
		return "RedisKeyNamer[prefix=" + ((this.prefix != null) ? "'" + this.prefix + "'" : "<none>") + "]";
	}

}
