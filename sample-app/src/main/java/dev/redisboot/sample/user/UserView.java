package dev.redisboot.sample.user;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * Read-only view of a {@link User}, as the API returns it and the {@code users} cache stores
 * it. A plain value rather than the entity, so that it can be cached (as JSON) and rendered
 * without touching the persistence context.
 *
 * @param id the id
 * @param email the unique email address
 * @param displayName the name shown to other users
 * @param createdAt when the account was created
 * @author redisboot
 */
public record UserView(long id, String email, String displayName, Instant createdAt) {

	/**
	 * The view of a saved user.
	 * @param user the user
	 * @return the view
	 */
	public static UserView from(User user) {
		Long id = user.getId();
		Assert.state(id != null, "User must be saved before it is viewed");
		return new UserView(id, user.getEmail(), user.getDisplayName(), user.getCreatedAt());
	}

}
