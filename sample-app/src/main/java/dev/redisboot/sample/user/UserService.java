package dev.redisboot.sample.user;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Reads users for the web layer, through the {@code users} cache (1 hour,
 * {@code redisboot.cache.caches.users.ttl}), so that controllers stay unaware of it.
 *
 * @author redisboot
 */
@Service
public class UserService {

	private final UserRepository repository;

	public UserService(UserRepository repository) {
		this.repository = repository;
	}

	/**
	 * Finds a user by id: from the cache when it is there, otherwise from the database, and
	 * then caches it. An unknown id is not cached: the exception skips the cache.
	 * @param id the id
	 * @return the user
	 * @throws UserNotFoundException when there is no user with that id
	 */
	@Cacheable("users")
	public UserView find(long id) {
		return this.repository.findById(id).map(UserView::from).orElseThrow(() -> new UserNotFoundException(id));
	}

}
