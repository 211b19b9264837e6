package dev.redisboot.session;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.session.UnreadableSessionException.Cause;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The serializer of Spring Session's indexed repository
 * ({@code spring.session.data.redis.repository-type=indexed}) when redisboot configures it:
 * the same allowlisted JSON as redisboot's own repository. A value that cannot be read
 * becomes {@link #UNREADABLE}, which {@link UnreadableAwareSessionMapper} turns into "no
 * session", so that a class changed across a deploy never fails a request.
 * <p>
 * Public for the auto-configuration (and its bean, {@code springSessionDefaultRedisSerializer},
 * can be replaced by name); not API.
 *
 * @author redisboot
 */
public final class SessionJsonRedisSerializer implements RedisSerializer<Object> {

	/**
	 * Stands for a value that could not be read.
	 */
	public static final Object UNREADABLE = new Object() {

		@Override
		public String toString() {
			return "<unreadable session value>";
		}

	};

	private static final Log logger = LogFactory.getLog(SessionJsonRedisSerializer.class);

	private final TypedJsonSerializer json;

	private final SessionMetrics metrics;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	/**
	 * Creates a serializer.
	 * @param json the JSON serializer
	 * @param metrics counts values that cannot be read
	 */
	public SessionJsonRedisSerializer(TypedJsonSerializer json, SessionMetrics metrics) {
		this.json = json;
		this.metrics = metrics;
	}

	@Override
	public byte[] serialize(@Nullable Object value) {
		return this.json.serialize(value);
	}

	@Override
	public @Nullable Object deserialize(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		try {
			return this.json.deserialize(bytes);
		}
		catch (JacksonException ex) {
			Cause cause = SessionAttributeCodec.causeOf(ex);
			this.metrics.unreadable(cause);
			// a parser's message quotes the offending text, which may be part of a secret: not logged
			String detail = (cause == Cause.CORRUPT) ? "not valid JSON" : SessionAttributeCodec.describe(ex);
			this.warnOnce.warn(cause.tag(), "A stored session value could not be read (" + cause.tag() + "): "
					+ detail + ". The session is treated as no session", null);
			return UNREADABLE;
		}
	}

}
