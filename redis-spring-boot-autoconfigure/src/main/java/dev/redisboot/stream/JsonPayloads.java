package dev.redisboot.stream;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stream payloads as JSON, with the application's mapper: written from any object (strings
 * and byte arrays as they are), read into a declared parameter type. No type ids are
 * written or honoured: the listener's parameter type decides what is created, so a payload
 * cannot make the application instantiate another class.
 * <p>
 * Public for the auto-configuration; not API: payloads follow the application's
 * {@code JsonMapper} bean.
 *
 * @author redisboot
 */
public final class JsonPayloads {

	private final JsonMapper mapper;

	/**
	 * Creates payload conversion.
	 * @param mapper the application's JSON mapper
	 */
	public JsonPayloads(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Writes a payload.
	 * @param payload the payload
	 * @return its bytes
	 */
	public byte[] write(@Nullable Object payload) {
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		return this.mapper.writeValueAsBytes(payload);
	}

	/**
	 * Creates a reader for one parameter type.
	 * @param type the parameter's generic type
	 * @return the reader
	 */
	Reader readerFor(Type type) {
		if (type == byte[].class) {
			return (bytes) -> bytes;
		}
		if (type == String.class) {
			return (bytes) -> new String(bytes, StandardCharsets.UTF_8);
		}
		JavaType javaType = this.mapper.constructType(type);
		ObjectReader reader = this.mapper.readerFor(javaType);
		return (bytes) -> {
			try {
				return reader.readValue(bytes);
			}
			catch (JacksonException ex) {
				throw new UnprocessableEntryException("Payload is not valid JSON for " + javaType.toCanonical() + ": "
						+ ex.getClass().getSimpleName() + ((ex.getPathReference() != null) ? " at "
								+ ex.getPathReference() : ""), null);
			}
		};
	}

	/**
	 * Reads a payload into one type.
	 */
	@FunctionalInterface
	interface Reader {

		@Nullable Object read(byte[] payload);

	}

}
