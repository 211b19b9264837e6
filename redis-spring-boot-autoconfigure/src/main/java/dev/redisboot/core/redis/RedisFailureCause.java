package dev.redisboot.core.redis;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Why Redis could not be used, read from an exception's cause chain: Lettuce wraps the reason
 * (a {@code WRONGPASS} reply, a refused connection, a failed TLS handshake) several levels
 * deep under messages such as "Unable to connect to localhost:6379", and a command that waits
 * for a reconnecting connection only sees a timeout.
 *
 * @param reason what kind of failure it is
 * @param message the deepest message that says what happened (Redis's reply or the network
 * error); Redis replies and Lettuce messages never contain the password
 */
public record RedisFailureCause(Reason reason, String message) {

	/**
	 * Reads the cause of a failure.
	 * @param failure the failure
	 * @return the cause
	 */
	public static RedisFailureCause of(Throwable failure) {
		Reason reason = Reason.OTHER;
		Throwable deepest = failure;
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			Reason found = reasonOf(cause);
			if (found != Reason.OTHER && (reason == Reason.OTHER || reason == Reason.UNREACHABLE)) {
				// a reply or handshake failure says more than the "unable to connect" around it
				reason = found;
			}
			if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
				deepest = cause;
			}
		}
		String message = (deepest.getMessage() != null) ? deepest.getMessage().trim()
				: deepest.getClass().getSimpleName();
		return new RedisFailureCause(reason, message);
	}

	private static Reason reasonOf(Throwable cause) {
		String message = String.valueOf(cause.getMessage());
		String upper = message.toUpperCase(Locale.ROOT);
		String type = cause.getClass().getName();
		if (upper.startsWith("WRONGPASS") || upper.contains("INVALID PASSWORD")
				|| upper.contains("INVALID USERNAME-PASSWORD")) {
			return Reason.WRONG_CREDENTIALS;
		}
		if (upper.startsWith("NOAUTH")) {
			return Reason.MISSING_CREDENTIALS;
		}
		if (upper.startsWith("NOPERM")) {
			return Reason.NO_PERMISSION;
		}
		if (cause instanceof javax.net.ssl.SSLException || type.startsWith("io.netty.handler.ssl.")
				|| upper.contains("SSL") || upper.contains("TLS")) {
			return Reason.TLS;
		}
		if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
				|| cause instanceof UnknownHostException || type.endsWith("ConnectTimeoutException")
				|| upper.contains("CONNECTION REFUSED")) {
			return Reason.UNREACHABLE;
		}
		return Reason.OTHER;
	}

	/**
	 * Whether the failure is a setting to correct rather than an outage to wait out.
	 * @return whether it is a misconfiguration
	 */
	public boolean isMisconfiguration() {
		return this.reason == Reason.WRONG_CREDENTIALS || this.reason == Reason.MISSING_CREDENTIALS
				|| this.reason == Reason.TLS || this.reason == Reason.NO_PERMISSION;
	}

	@Override
	public String toString() {
		return this.message;
	}

	/**
	 * Kinds of failure.
	 */
	public enum Reason {

		/**
		 * Redis rejected the user name or password ({@code WRONGPASS}).
		 */
		WRONG_CREDENTIALS,

		/**
		 * Redis wants credentials and none were sent ({@code NOAUTH}).
		 */
		MISSING_CREDENTIALS,

		/**
		 * The connection's ACL user may not run a command or use a key or channel
		 * ({@code NOPERM}).
		 */
		NO_PERMISSION,

		/**
		 * The TLS handshake failed: TLS against a plain port, or an untrusted certificate.
		 */
		TLS,

		/**
		 * No connection: refused, unknown host, no route, connect timeout.
		 */
		UNREACHABLE,

		/**
		 * Anything else.
		 */
		OTHER

	}

}
