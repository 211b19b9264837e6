package dev.redisboot.sample.user;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A user account of the application, with its plan and its API key.
 * <p>
 * Demo simplifications, not to copy: the API key is stored as it is, so that
 * {@code POST /api/auth/login} can hand it out again (a real service stores only a hash of
 * each key and shows the key once, when it is created); the password hash comes from the
 * sample's {@code DemoPasswords}, where a real application would use Spring Security.
 *
 * @author redisboot
 */
@Entity
@Table(name = "users") // 'user' is a reserved word in PostgreSQL and H2
public class User {

	private static final SecureRandom RANDOM = new SecureRandom();

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, unique = true, length = 320)
	private String email;

	@Column(nullable = false, length = 100)
	private String displayName;

	@Column(nullable = false, updatable = false)
	private Instant createdAt;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 20)
	private Plan plan;

	@Column(nullable = false, unique = true, length = 100)
	private String apiKey;

	@Column(length = 200)
	private @Nullable String passwordHash;

	/**
	 * Creates a user on the free plan, with a new random API key and no password (the user
	 * cannot sign in), that is not saved yet.
	 * @param email the unique email address
	 * @param displayName the name shown to other users
	 * @param createdAt when the account was created
	 */
	public User(String email, String displayName, Instant createdAt) {
		this(email, displayName, createdAt, Plan.FREE, newApiKey(), null);
	}

	/**
	 * Creates a user that is not saved yet.
	 * @param email the unique email address
	 * @param displayName the name shown to other users
	 * @param createdAt when the account was created
	 * @param plan the subscription plan
	 * @param apiKey the unique API key
	 * @param passwordHash the password's hash, or {@code null} for a user who cannot sign in
	 */
	public User(String email, String displayName, Instant createdAt, Plan plan, String apiKey,
			@Nullable String passwordHash) {
		this.email = email;
		this.displayName = displayName;
		this.createdAt = createdAt;
		this.plan = plan;
		this.apiKey = apiKey;
		this.passwordHash = passwordHash;
	}

	/**
	 * A new random API key: {@code sk_} and 32 random bytes, URL-safe Base64.
	 * @return the key
	 */
	public static String newApiKey() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	protected User() {
		// for JPA, which sets the fields
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public String getEmail() {
		return this.email;
	}

	public String getDisplayName() {
		return this.displayName;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Plan getPlan() {
		return this.plan;
	}

	public String getApiKey() {
		return this.apiKey;
	}

	public @Nullable String getPasswordHash() {
		return this.passwordHash;
	}

}
