package dev.redisboot.cache;

import dev.redisboot.core.RedisKeyNamer;

/**
 * Expands key pattern templates: each {@code {}} is replaced by the next part, escaped so
 * that it matches only itself.
 */
final class KeyPatternTemplate {

	private KeyPatternTemplate() {
	}

	static String expand(String template, Object... parts) {
		StringBuilder pattern = new StringBuilder(template.length() + 16);
		int next = 0;
		int from = 0;
		int placeholder;
		while ((placeholder = template.indexOf("{}", from)) >= 0) {
			if (next >= parts.length) {
				throw new IllegalArgumentException("Pattern '" + template + "' has more {} than the " + parts.length
						+ " parts given");
			}
			pattern.append(template, from, placeholder)
				.append(RedisKeyNamer.escapeGlob(CacheKeyConverter.toKeyPart(parts[next++])));
			from = placeholder + 2;
		}
		if (next != parts.length) {
			throw new IllegalArgumentException(
					"Pattern '" + template + "' has " + next + " {} but " + parts.length + " parts were given");
		}
		return pattern.append(template, from, template.length()).toString();
	}

}
