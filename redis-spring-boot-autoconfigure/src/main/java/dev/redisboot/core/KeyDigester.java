package dev.redisboot.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Turns a value that must not appear in clear in Redis (a session id, a client address, an
 * e-mail address, an API key) into a fixed-length digest that can stand in a key name: an
 * HMAC-SHA256 of the value, keyed with {@code redisboot.key-digest-secret}, truncated to 192
 * bits and written as 32 characters of unpadded Base64url.
 * <p>
 * Every use names a domain ({@code "session"}, {@code "ratelimit"}), so the same value gives
 * unrelated digests in different key families. Without a configured secret the key is a
 * constant: the digest still cannot be reversed for values with many random bits (session
 * ids), but a low-entropy identity (an IPv4 address, a known e-mail address) can be found by
 * trying candidates. With a secret, nobody without the application's configuration can.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @author redisboot
 */
public final class KeyDigester {

	/**
	 * Name of the property that holds the secret.
	 */
	public static final String SECRET_PROPERTY = "redisboot.key-digest-secret";

	private static final byte[] DEFAULT_KEY = "redisboot key digest: no secret configured"
		.getBytes(StandardCharsets.US_ASCII);

	private static final int DIGEST_BYTES = 24;

	private static final int MINIMUM_SECRET_BYTES = 16;

	/**
	 * The domain of principal (user) names in key names: the sessions' principal indexes
	 * ({@code [prefix:]session:principals:<digest>}).
	 */
	public static final String PRINCIPAL_DOMAIN = "session-principal";

	private static final String DISPLAY_DOMAIN = "display";

	private static final int DISPLAY_CHARACTERS = 12;

	private final SecretKeySpec key;

	private final boolean keyed;

	private final ThreadLocal<Mac> macs;

	private KeyDigester(byte[] key, boolean keyed) {
		this.key = new SecretKeySpec(key, "HmacSHA256");
		this.keyed = keyed;
		this.macs = ThreadLocal.withInitial(this::newMac);
	}

	/**
	 * A digester keyed with a secret, or with the built-in constant when there is none.
	 * @param base64Secret the secret, Base64 of at least 16 random bytes, or {@code null}
	 * @return the digester
	 * @throws InvalidPropertyException if the secret is not Base64 or too short; the message
	 * never contains the secret
	 */
	public static KeyDigester of(@Nullable String base64Secret) {
		if (base64Secret == null || base64Secret.isBlank()) {
			return new KeyDigester(DEFAULT_KEY, false);
		}
		byte[] secret;
		try {
			secret = Base64.getDecoder().decode(base64Secret.strip());
		}
		catch (IllegalArgumentException ex) {
			throw invalidSecret("it is not Base64");
		}
		if (secret.length < MINIMUM_SECRET_BYTES) {
			throw invalidSecret("it has " + secret.length + " bytes, fewer than " + MINIMUM_SECRET_BYTES);
		}
		return new KeyDigester(secret, true);
	}

	/**
	 * A digester without a secret, for tests and tools.
	 * @return the digester
	 */
	public static KeyDigester unkeyed() {
		return of(null);
	}

	private static InvalidPropertyException invalidSecret(String reason) {
		return InvalidPropertyException.withValueWithheld(SECRET_PROPERTY, "The secret cannot be used: " + reason,
				"Set it to Base64 of at least 16 random bytes, for example the output of 'openssl rand -base64 32', "
						+ "from an environment variable such as REDISBOOT_KEY_DIGEST_SECRET.");
	}

	/**
	 * Whether a secret is configured, so that low-entropy values cannot be recovered from their
	 * digests by trying candidates.
	 * @return whether the digests are keyed with a secret
	 */
	public boolean isKeyed() {
		return this.keyed;
	}

	/**
	 * Digest of a value in a domain.
	 * @param domain the key family, such as {@code "session"}; never empty
	 * @param value the value
	 * @return 32 characters of unpadded Base64url
	 */
	public String digest(String domain, String value) {
		Mac mac = this.macs.get();
		mac.update(domain.getBytes(StandardCharsets.UTF_8));
		mac.update((byte) 0);
		byte[] full = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, DIGEST_BYTES));
	}

	/**
	 * The digest of a principal's name as key names hold it ({@link #PRINCIPAL_DOMAIN}).
	 * @param principalName the name
	 * @return 32 characters of unpadded Base64url
	 */
	public String principalDigest(String principalName) {
		return digest(PRINCIPAL_DOMAIN, principalName);
	}

	/**
	 * How a person or client is shown wherever redisboot shows one (the console, the
	 * {@code audit}, {@code principals} and {@code console} endpoints): {@code #} and 12
	 * characters of a digest, the same for the same identity on every tab and endpoint, so
	 * that an operator can tell that the user whose sessions were revoked in the audit trail
	 * is the one with most sessions and the one most rate limited, without seeing the name. The
	 * identity is the bare value: a user's name, an e-mail address, an IP address, an API key
	 * (so {@code demo@example.com} shows the same whether it signed in or was the key of a
	 * {@code @RateLimited} method). It is derived from the
	 * {@linkplain #principalDigest(String) principal digest}, so that a reader that has only
	 * a principal index's key name shows the same. Key names keep their own domains.
	 * @param identity the user's name or the client's identity
	 * @return the display digest, such as {@code #Qm1xZk3q0bLp}
	 */
	public String display(String identity) {
		return displayOfPrincipalDigest(principalDigest(identity));
	}

	/**
	 * The {@linkplain #display(String) display digest} of a user known by its principal
	 * digest only (the last segment of a principal index's key).
	 * @param principalDigest the principal digest
	 * @return the display digest
	 */
	public String displayOfPrincipalDigest(String principalDigest) {
		return "#" + digest(DISPLAY_DOMAIN, principalDigest).substring(0, DISPLAY_CHARACTERS);
	}

	private Mac newMac() {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "KeyDigester[" + (this.keyed ? "keyed with " + SECRET_PROPERTY : "no secret") + "]";
	}

}
