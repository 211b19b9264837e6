package dev.redisboot.sample.user;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A user account of the application.
 *
 * @author redisboot
 */
@Entity
@Table(name = "users") // 'user' is a reserved word in PostgreSQL and H2
public class User {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, unique = true, length = 320)
	private String email;

	@Column(nullable = false, length = 100)
	private String displayName;

	@Column(nullable = false, updatable = false)
	private Instant createdAt;

	/**
	 * Creates a user that is not saved yet.
	 * @param email the unique email address
	 * @param displayName the name shown to other users
	 * @param createdAt when the account was created
	 */
	public User(String email, String displayName, Instant createdAt) {
		this.email = email;
		this.displayName = displayName;
		this.createdAt = createdAt;
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

}
