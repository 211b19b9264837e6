package dev.redisboot.sample.user;

import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads users for the web layer. The place where caching will go, so that controllers
 * stay unaware of it.
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
	 * Finds a user by id.
	 * @param id the id
	 * @return the user, or empty when there is none with that id
	 */
	@Transactional(readOnly = true)
	public Optional<UserView> findById(long id) {
		return this.repository.findById(id).map(UserView::from);
	}

}
