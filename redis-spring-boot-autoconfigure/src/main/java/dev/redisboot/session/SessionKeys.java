package dev.redisboot.session;

import java.nio.charset.StandardCharsets;

import dev.redisboot.core.KeyDigester;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The key layout of the session repository, built in one place: key names (which hold
 * digests, never a session id or a principal name), the fields of a session hash and the
 * key families that faults are counted by. See {@link RedisbootSessionRepository} for what
 * each key holds.
 *
 * @author redisboot
 */
final class SessionKeys {

	static final String CREATION_TIME = "creationTime";

	static final String LAST_ACCESSED_TIME = "lastAccessedTime";

	static final String MAX_INACTIVE_INTERVAL = "maxInactiveInterval";

	static final String ATTRIBUTE_PREFIX = "sessionAttr:";

	static final String PRINCIPAL = "redisboot:principal";

	static final String INDEX_EXPIRY = "redisboot:indexExpiry";

	static final String SESSION_ID = "redisboot:id";

	/**
	 * Key families, as tagged in {@code redisboot.sessions.faults}.
	 */
	static final String SESSION_FAMILY = "session";

	static final String INDEX_FAMILY = "principal-index";

	static final String EXPIRATIONS_FAMILY = "expirations";

	/**
	 * {@link KeyDigester} domain of session handles.
	 */
	private static final String SESSION_DOMAIN = "session";

	/**
	 * {@link KeyDigester} domain of principal names.
	 */
	private static final String PRINCIPAL_DOMAIN = KeyDigester.PRINCIPAL_DOMAIN;

	private static final int MAX_ID_LENGTH = 256;

	private static final int HANDLE_LENGTH = 32;

	private final KeyDigester keyDigester;

	private volatile String namespace;

	SessionKeys(String namespace, KeyDigester keyDigester) {
		this.keyDigester = keyDigester;
		this.namespace = normalize(namespace);
	}

	void setNamespace(String namespace) {
		this.namespace = normalize(namespace);
	}

	private static String normalize(String namespace) {
		Assert.hasText(namespace, "'namespace' must not be empty");
		String trimmed = namespace.trim();
		return trimmed.endsWith(":") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
	}

	String namespace() {
		return this.namespace;
	}

	/**
	 * Returns a session's handle: the keyed digest of its id that stands for it in Redis.
	 */
	String handle(String sessionId) {
		return this.keyDigester.digest(SESSION_DOMAIN, sessionId);
	}

	String sessionKeyOfHandle(String handle) {
		return this.namespace + ":sessions:" + handle;
	}

	byte[] sessionKey(String handle) {
		return bytes(sessionKeyOfHandle(handle));
	}

	String principalDigest(String principalName) {
		return this.keyDigester.digest(PRINCIPAL_DOMAIN, principalName);
	}

	/**
	 * How the console and endpoints show the principal of an index, by its digest.
	 */
	String displayOfPrincipalDigest(String principalDigest) {
		return this.keyDigester.displayOfPrincipalDigest(principalDigest);
	}

	String principalKeyOfDigest(String principalDigest) {
		return this.namespace + ":principals:" + principalDigest;
	}

	byte[] principalKey(String principalName) {
		return bytes(principalKeyOfDigest(principalDigest(principalName)));
	}

	String expirationsKeyName() {
		return this.namespace + ":expirations";
	}

	byte[] expirationsKey() {
		return bytes(expirationsKeyName());
	}

	/**
	 * Whether a stored value can be a handle or a principal digest (both digests of the same
	 * length and alphabet), so that a planted value never becomes part of a key name.
	 */
	static boolean isHandle(String value) {
		if (value.length() != HANDLE_LENGTH) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Session ids come from a cookie; refuse anything that no generator makes before it
	 * becomes part of a Redis key.
	 */
	static boolean isPlausibleId(@Nullable String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c <= ' ' || c > '~') {
				return false;
			}
		}
		return true;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
