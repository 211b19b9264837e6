package dev.redisboot.session;

import org.jspecify.annotations.Nullable;

/**
 * A session stored in Redis that cannot be read back: corrupt bytes, an attribute whose class
 * changed shape or is not allowed, or a value encrypted with a key that is not configured.
 *
 * @author redisboot
 */
public class UnreadableSessionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Cause kind;

	/**
	 * Creates an exception.
	 * @param kind the kind of failure
	 * @param message what could not be read; never contains attribute values
	 * @param cause the underlying failure, {@code null} where its message could quote
	 * stored data
	 */
	public UnreadableSessionException(Cause kind, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.kind = kind;
	}

	/**
	 * Returns the kind of failure.
	 * @return the kind
	 */
	public Cause getKind() {
		return this.kind;
	}

	/**
	 * Why a session could not be read, as counted in
	 * {@code redisboot.sessions.deserialization.failures{cause}}.
	 */
	public enum Cause {

		/**
		 * The bytes are not what redisboot writes: not JSON, not a number, a damaged
		 * envelope.
		 */
		CORRUPT("corrupt"),

		/**
		 * An attribute names a type that the allowlist does not allow.
		 */
		TYPE_NOT_ALLOWED("type-not-allowed"),

		/**
		 * An attribute's class is gone or no longer has the shape it was written with,
		 * typically after a deploy.
		 */
		CLASS_CHANGED("class-changed"),

		/**
		 * An attribute is encrypted with a key that is not configured, or its
		 * authentication failed.
		 */
		UNDECRYPTABLE("undecryptable");

		private final String tag;

		Cause(String tag) {
			this.tag = tag;
		}

		/**
		 * Returns the value of the metric's {@code cause} tag.
		 * @return the tag value
		 */
		public String tag() {
			return this.tag;
		}

	}

}
