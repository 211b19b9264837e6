package dev.redisboot.session;

import java.nio.charset.StandardCharsets;

import dev.redisboot.core.codec.ValueDecodingException;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.session.UnreadableSessionException.Cause;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;

/**
 * Session attribute values as stored in Redis: JSON with type ids restricted to an
 * allowlist, readable with {@code redis-cli}, or, with encryption on, the JSON encrypted with
 * AES-GCM in redisboot's {@link ValueEnvelope} and bound to the attribute's name.
 *
 * @author redisboot
 */
final class SessionAttributeCodec {

	private final TypedJsonSerializer json;

	private final ValueEnvelope envelope;

	/**
	 * Creates a codec.
	 * @param json the JSON serializer
	 * @param envelope the envelope: {@link ValueEnvelope#defaults()} for plain JSON, or one
	 * {@linkplain ValueEnvelope#withEncryption encrypting} values. Either reads plain JSON,
	 * so encryption can be switched on without signing everyone out.
	 */
	SessionAttributeCodec(TypedJsonSerializer json, ValueEnvelope envelope) {
		this.json = json;
		this.envelope = envelope;
	}

	/**
	 * Encodes an attribute value.
	 * @param name the attribute's name, which an encrypted value is bound to
	 * @param value the value
	 * @return the bytes to store
	 */
	byte[] encode(String name, @Nullable Object value) {
		byte[] payload = this.json.serialize(value);
		if (!this.envelope.isEncryptingWrites()) {
			return payload; // plain JSON, readable with redis-cli
		}
		return this.envelope.encode(payload, associatedData(name));
	}

	/**
	 * Decodes an attribute value.
	 * @param name the attribute's name
	 * @param stored the stored bytes
	 * @return the value
	 * @throws UnreadableSessionException if the value cannot be read
	 */
	@Nullable Object decode(String name, byte[] stored) {
		byte[] payload;
		try {
			payload = this.envelope.decode(stored, associatedData(name));
		}
		catch (ValueDecodingException ex) {
			Cause cause = switch (ex.getReason()) {
				case ENCRYPTION_NOT_CONFIGURED, UNKNOWN_KEY, AUTHENTICATION_FAILED -> Cause.UNDECRYPTABLE;
				default -> Cause.CORRUPT;
			};
			throw new UnreadableSessionException(cause,
					"Session attribute '" + name + "' cannot be decoded: " + ex.getMessage(), ex);
		}
		try {
			return this.json.deserialize(payload);
		}
		catch (StreamReadException ex) {
			// the parser's message quotes the offending text, which may be part of a secret: not logged
			throw new UnreadableSessionException(Cause.CORRUPT, "Session attribute '" + name + "' is not valid JSON",
					null);
		}
		catch (JacksonException ex) {
			throw new UnreadableSessionException(causeOf(ex),
					"Session attribute '" + name + "' cannot be read: " + describe(ex), null);
		}
	}

	static Cause causeOf(JacksonException ex) {
		if (ex instanceof StreamReadException) {
			return Cause.CORRUPT;
		}
		if (ex instanceof InvalidTypeIdException typeIdException) {
			String message = String.valueOf(typeIdException.getOriginalMessage());
			return message.contains("denied") ? Cause.TYPE_NOT_ALLOWED : Cause.CLASS_CHANGED;
		}
		return Cause.CLASS_CHANGED;
	}

	/**
	 * Describes a failure without Jackson's message, which can quote stored values: the
	 * kind of failure, where in the value, and for a refused or unknown type its name.
	 * @param ex the failure
	 * @return the description
	 */
	static String describe(JacksonException ex) {
		StringBuilder description = new StringBuilder(ex.getClass().getSimpleName());
		if (ex instanceof InvalidTypeIdException typeIdException && typeIdException.getTypeId() != null) {
			description.append(" for type id '").append(typeIdException.getTypeId()).append('\'');
		}
		String path = ex.getPathReference();
		if (path != null && !path.isEmpty()) {
			description.append(" at ").append(path);
		}
		return description.toString();
	}

	private static byte[] associatedData(String name) {
		return ("session-attribute:" + name).getBytes(StandardCharsets.UTF_8);
	}

}
