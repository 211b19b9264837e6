package dev.redisboot.sample.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Looks up API keys, through the {@code api-keys} cache (1 minute, with a near cache; see
 * {@code application.yml}), so that the rate limiting of every API request does not read the
 * database.
 *
 * @author redisboot
 */
@Service
public class ApiKeyService {

	/**
	 * The request header that carries an API key; also the client key of the {@code api}
	 * rate-limit rule.
	 */
	public static final String HEADER = "X-API-Key";

	private final UserRepository users;

	public ApiKeyService(UserRepository users) {
		this.users = users;
	}

	/**
	 * The plan of the user an API key belongs to: from the cache when it is there, otherwise
	 * from the database, and then cached. The cache key is a digest of the API key, so that
	 * no key appears in Redis (the rate limiter digests it too). An unknown key is not cached.
	 * @param apiKey the API key
	 * @return the plan, or empty when no user has that key
	 */
	@Cacheable(cacheNames = "api-keys", key = "T(dev.redisboot.sample.auth.ApiKeyService).digest(#apiKey)")
	public Optional<Plan> planOf(String apiKey) {
		return this.users.findByApiKey(apiKey).map(User::getPlan);
	}

	/**
	 * The SHA-256 digest of an API key, in hex: its cache key.
	 * @param apiKey the API key
	 * @return the digest
	 */
	public static String digest(String apiKey) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
