package dev.redisboot.sample.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Password hashes of the demo users: PBKDF2 with HMAC-SHA256 from the JDK, so that the sample
 * needs no security library. <strong>Demo only</strong>: a real application signs its users
 * in with Spring Security and its {@code PasswordEncoder} (Argon2 or BCrypt), which this
 * sample leaves out to stay about Redis.
 * <p>
 * A hash reads {@code pbkdf2-sha256:<iterations>:<salt>:<hash>}, salt and hash in Base64.
 *
 * @author redisboot
 */
public final class DemoPasswords {

	/**
	 * Iterations of new hashes: low, so that the demo and its tests (which sign in many
	 * times) stay fast. OWASP recommends 600,000 for PBKDF2-HMAC-SHA256.
	 */
	private static final int ITERATIONS = 20_000;

	private static final String ALGORITHM = "pbkdf2-sha256";

	private static final int SALT_BYTES = 16;

	private static final int HASH_BITS = 256;

	private static final SecureRandom RANDOM = new SecureRandom();

	/**
	 * Checked instead when there is no usable hash (an unknown email, a user without a
	 * password), so that this takes as long as a wrong password and does not tell which
	 * accounts exist.
	 */
	private static final String DUMMY = ALGORITHM + ":" + ITERATIONS
			+ ":5jnI7fT2u0klDjfWkjJsdw==:apMZ2GRpTSQSkLkELvHdqQA+/f1sK7LHvr/U8NJdm74=";

	private DemoPasswords() {
	}

	/**
	 * Hashes a password with a new random salt.
	 * @param password the password
	 * @return the hash, for {@link #matches}
	 */
	public static String hash(String password) {
		byte[] salt = new byte[SALT_BYTES];
		RANDOM.nextBytes(salt);
		Base64.Encoder base64 = Base64.getEncoder();
		return ALGORITHM + ":" + ITERATIONS + ":" + base64.encodeToString(salt) + ":"
				+ base64.encodeToString(pbkdf2(password, salt, ITERATIONS));
	}

	/**
	 * Whether a password is the one a hash was made from, in time that does not depend on
	 * where they differ. Takes as long when there is no hash (unknown user) as for a wrong
	 * password.
	 * @param password the password
	 * @param hash the stored hash, or {@code null} when there is none
	 * @return whether the password matches
	 */
	public static boolean matches(String password, @Nullable String hash) {
		String[] parts = (hash != null) ? hash.split(":") : new String[0];
		boolean usable = parts.length == 4 && ALGORITHM.equals(parts[0]);
		if (!usable) {
			parts = DUMMY.split(":");
		}
		Base64.Decoder base64 = Base64.getDecoder();
		byte[] expected = base64.decode(parts[3]);
		byte[] actual = pbkdf2(password, base64.decode(parts[2]), Integer.parseInt(parts[1]));
		return MessageDigest.isEqual(expected, actual) && usable;
	}

	private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
		PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
		try {
			return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", ex);
		}
		finally {
			spec.clearPassword();
		}
	}

}
