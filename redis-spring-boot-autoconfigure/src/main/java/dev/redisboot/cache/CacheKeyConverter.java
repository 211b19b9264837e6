package dev.redisboot.cache;

import java.lang.reflect.Method;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;

import org.springframework.cache.interceptor.SimpleKey;

/**
 * Turns a cache key object into the text of its Redis key segment. Simple values (strings,
 * numbers, booleans, UUIDs, enums, dates and times) use their text; Spring's
 * {@link SimpleKey} for methods with several parameters is its parameters as Spring
 * prints them ({@code a, 1}); any other type must override {@link Object#toString()}, otherwise keys of
 * different objects would collide and the conversion is refused.
 */
final class CacheKeyConverter {

	private static final String SIMPLE_KEY_START = "SimpleKey [";

	private CacheKeyConverter() {
	}

	static String toKeyPart(Object key) {
		if (key instanceof String string) {
			return string;
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID
				|| key instanceof Enum<?> || key instanceof TemporalAccessor) {
			return key.toString();
		}
		if (key instanceof SimpleKey) {
			String text = key.toString();
			return text.startsWith(SIMPLE_KEY_START) ? text.substring(SIMPLE_KEY_START.length(), text.length() - 1)
					: text;
		}
		if (overridesToString(key.getClass())) {
			return key.toString();
		}
		throw new IllegalArgumentException("Cannot use a " + key.getClass().getName()
				+ " as a Redis cache key: it does not override toString(). Give the cache annotation a key "
				+ "expression such as key = \"#customer.id\", or override toString() with a unique text.");
	}

	private static boolean overridesToString(Class<?> type) {
		try {
			Method method = type.getMethod("toString");
			return method.getDeclaringClass() != Object.class;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

}
