package dev.redisboot.core.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Values stored in Redis (cache entries, session attributes) as JSON. Type ids are written for the value itself and for properties
 * declared as {@code Object}, an interface or an abstract class, and are only honoured for
 * types of the {@link TypeAllowlist}. Reading is strict: an unknown or missing property means
 * the class changed shape since the value was written, which makes the value unreadable (a
 * cache miss, a new session) rather than silently wrong.
 *
 * @author redisboot
 */
public final class TypedJsonSerializer {

	private static final byte[] NULL_JSON = "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final TypeAllowlist allowlist;

	private final ObjectWriter writer;

	private final ObjectReader reader;

	/**
	 * Creates a serializer that allows the types of the given allowlist.
	 * @param allowlist the types that may be named in the JSON
	 */
	public TypedJsonSerializer(TypeAllowlist allowlist) {
		this(allowlist, List.of(), null);
	}

	/**
	 * Creates a serializer with additional Jackson modules, for example Spring Security's,
	 * whose own types are allowed by a validator of their own.
	 * @param allowlist the application's types that may be named in the JSON
	 * @param modules modules to register; a module that switches on default typing of its
	 * own must not be among them
	 * @param alsoAllowed consulted for types that the allowlist does not allow, or
	 * {@code null}
	 */
	public TypedJsonSerializer(TypeAllowlist allowlist, List<? extends JacksonModule> modules,
			@Nullable PolymorphicTypeValidator alsoAllowed) {
		this.allowlist = allowlist;
		PolymorphicTypeValidator validator = allowlist.toTypeValidator(alsoAllowed);
		JsonMapper mapper = JsonMapper.builder()
			.findAndAddModules()
			.addModules(modules)
			.polymorphicTypeValidator(validator)
			.activateDefaultTyping(validator, DefaultTyping.OBJECT_AND_NON_CONCRETE, JsonTypeInfo.As.PROPERTY)
			.changeDefaultPropertyInclusion((inclusion) -> JsonInclude.Value.construct(JsonInclude.Include.ALWAYS,
					JsonInclude.Include.ALWAYS))
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.build();
		this.writer = mapper.writerFor(Object.class);
		this.reader = mapper.readerFor(Object.class);
	}

	/**
	 * Whether values of the given type can be read back, so caching them is worthwhile.
	 * @param type the value's class
	 * @return whether the type is allowed
	 */
	public boolean canStore(Class<?> type) {
		if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
			return true; // elements are checked when written: their type ids are validated on read
		}
		return this.allowlist.isAllowed(type);
	}

	public byte[] serialize(@Nullable Object value) {
		if (value == null) {
			return NULL_JSON.clone();
		}
		return this.writer.writeValueAsBytes(normalize(value));
	}

	/**
	 * Reads a value.
	 * @param json the JSON
	 * @return the value, {@code null} for a cached null
	 * @throws JacksonException if the JSON is corrupt, names a type outside the allowlist,
	 * or does not fit the type's current shape
	 */
	public @Nullable Object deserialize(byte[] json) {
		return this.reader.readValue(json);
	}

	/**
	 * Copies JDK-internal collection types that cannot be named as a type id into their
	 * public counterparts.
	 */
	private static Object normalize(Object value) {
		Class<?> type = value.getClass();
		if (type.getName().startsWith("java.util.") && !java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
			if (value instanceof Set<?> set) {
				return new LinkedHashSet<>(set);
			}
			if (value instanceof Collection<?> collection) {
				return new ArrayList<>(collection);
			}
			if (value instanceof Map<?, ?> map) {
				return new LinkedHashMap<>(map);
			}
		}
		return value;
	}

}
