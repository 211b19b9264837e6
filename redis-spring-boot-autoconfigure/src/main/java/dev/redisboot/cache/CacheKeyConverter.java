package dev.redisboot.cache;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.util.ReflectionUtils;

/**
 * Turns a cache key object into the text of its Redis key segment. Simple values (strings,
 * numbers, booleans, UUIDs, enums, dates and times) use their text; any other type must
 * override {@link Object#toString()}, otherwise keys of different objects would collide or
 * change with every call, and the conversion is refused. Spring's {@link SimpleKey}, the key
 * of a method with several parameters, becomes its parameters converted the same way and
 * joined with {@code ,}; a {@code ,} or {@code \} inside a parameter is escaped with
 * {@code \} and {@code null} is written as {@code \0}, so different parameter lists never
 * give the same key.
 * <p>
 * {@code SimpleKey}'s parameters are read from its private field by reflection; the
 * auto-configuration registers that field for native images
 * ({@code RedisbootCacheRuntimeHints}), so keys are the same there as on the JVM.
 */
final class CacheKeyConverter {

	private static final @Nullable Field SIMPLE_KEY_PARAMS = simpleKeyParams();

	private static final ClassValue<Boolean> OVERRIDES_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				Method method = type.getMethod("toString");
				return method.getDeclaringClass() != Object.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	};

	private CacheKeyConverter() {
	}

	static String toKeyPart(Object key) {
		if (key instanceof SimpleKey simpleKey) {
			Object[] params = params(simpleKey);
			if (params != null) {
				StringBuilder part = new StringBuilder();
				for (int i = 0; i < params.length; i++) {
					if (i > 0) {
						part.append(',');
					}
					appendEscaped(part, params[i]);
				}
				return part.toString();
			}
		}
		return simplePart(key);
	}

	private static void appendEscaped(StringBuilder part, @Nullable Object param) {
		if (param == null) {
			part.append("\\0");
			return;
		}
		String text = simplePart(param);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == ',' || c == '\\') {
				part.append('\\');
			}
			part.append(c);
		}
	}

	private static String simplePart(Object key) {
		if (key instanceof String string) {
			return string;
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID
				|| key instanceof Enum<?> || key instanceof TemporalAccessor || OVERRIDES_TO_STRING.get(key.getClass())) {
			return key.toString();
		}
		throw new IllegalArgumentException("Cannot use a " + key.getClass().getName()
				+ " as (part of) a Redis cache key: it does not override toString(). Give the cache annotation a key "
				+ "expression such as key = \"#customer.id\", or override toString() with a unique text.");
	}

	private static Object @Nullable [] params(SimpleKey key) {
		if (SIMPLE_KEY_PARAMS == null) {
			return null;
		}
		return (Object[]) ReflectionUtils.getField(SIMPLE_KEY_PARAMS, key);
	}

	private static @Nullable Field simpleKeyParams() {
		// SimpleKey keeps its parameters private; without them only its toString() is left.
		Field field = ReflectionUtils.findField(SimpleKey.class, "params", Object[].class);
		if (field != null) {
			try {
				ReflectionUtils.makeAccessible(field);
			}
			catch (RuntimeException ex) {
				return null;
			}
		}
		return field;
	}

}
