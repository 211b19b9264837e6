package dev.redisboot.session;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

import org.springframework.session.SessionIdGenerator;

/**
 * Session ids in the format of Spring Session's {@code UuidSessionIdGenerator} (random UUIDs,
 * 122 random bits), drawn from a {@code DRBG} {@link SecureRandom} that is seeded once, when
 * this generator is created, and then reads no file: {@code UUID.randomUUID()} reads
 * {@code /dev/urandom} whenever its buffer runs dry, a file read on whatever thread asks, which
 * on WebFlux is an event loop (new sessions, and {@code changeSessionId()} at sign-in). The
 * default of reactive applications that declare no {@code SessionIdGenerator} bean.
 *
 * @author redisboot
 */
public final class NonBlockingSessionIdGenerator implements SessionIdGenerator {

	private final SecureRandom random;

	/**
	 * Creates a generator and seeds it (reading the platform's entropy source, once, on the
	 * calling thread).
	 */
	public NonBlockingSessionIdGenerator() {
		try {
			this.random = SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("No DRBG SecureRandom", ex);
		}
		this.random.nextBytes(new byte[16]);
	}

	@Override
	public String generate() {
		byte[] bytes = new byte[16];
		this.random.nextBytes(bytes);
		// version 4, IETF variant, as UUID.randomUUID()
		bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
		bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
		long most = 0;
		long least = 0;
		for (int i = 0; i < 8; i++) {
			most = (most << 8) | (bytes[i] & 0xff);
			least = (least << 8) | (bytes[i + 8] & 0xff);
		}
		return new UUID(most, least).toString();
	}

}
