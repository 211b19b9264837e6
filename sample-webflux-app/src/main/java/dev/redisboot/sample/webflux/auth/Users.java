package dev.redisboot.sample.webflux.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * The accounts, in memory: the sample's stand-in for a reactive database. Two demo accounts
 * exist from the start, {@code free@example.com} and {@code pro@example.com} (password
 * {@code secret}), with the API keys {@code demo-free-key} and {@code demo-pro-key}.
 * <p>
 * The password hash (salted SHA-256) is for the demo only: use Spring Security's
 * {@code PasswordEncoder}, off the event loop, in a real application.
 *
 * @author redisboot
 */
@Component
class Users {

	private final Map<String, User> byEmail = new ConcurrentHashMap<>();

	private final Map<String, User> byApiKey = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	Users() {
		add("free@example.com", "Free Demo", "secret", "free", "demo-free-key");
		add("pro@example.com", "Pro Demo", "secret", "pro", "demo-pro-key");
	}

	/**
	 * Adds an account on the free plan. Its API key is a random UUID, which may read
	 * {@code /dev/urandom}: call it off the event loop.
	 * @param email the email address
	 * @param name the name
	 * @param password the password
	 * @return the account, or empty if the address has one already
	 */
	Optional<User> signUp(String email, String name, String password) {
		return add(email, name, password, "free", "key-" + UUID.randomUUID());
	}

	Optional<User> signIn(String email, String password) {
		User user = this.byEmail.get(email);
		return (user != null && MessageDigest.isEqual(user.passwordHash().getBytes(StandardCharsets.UTF_8),
				hash(user.id(), password).getBytes(StandardCharsets.UTF_8))) ? Optional.of(user) : Optional.empty();
	}

	Optional<User> byApiKey(String apiKey) {
		return Optional.ofNullable(this.byApiKey.get(apiKey));
	}

	private Optional<User> add(String email, String name, String password, String plan, String apiKey) {
		long id = this.ids.incrementAndGet();
		User user = new User(id, email, name, hash(id, password), plan, apiKey);
		if (this.byEmail.putIfAbsent(email, user) != null) {
			return Optional.empty();
		}
		this.byApiKey.put(apiKey, user);
		return Optional.of(user);
	}

	private static String hash(long salt, String password) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest((salt + ":" + password).getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
