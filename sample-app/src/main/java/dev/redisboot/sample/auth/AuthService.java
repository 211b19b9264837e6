package dev.redisboot.sample.auth;

import dev.redisboot.sample.session.SignedInUser;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Signs users in: checks an email and password and hands out the user's API key and what
 * the session keeps of the user.
 *
 * @author redisboot
 */
@Service
public class AuthService {

	private final UserRepository users;

	public AuthService(UserRepository users) {
		this.users = users;
	}

	/**
	 * The user with an email and password, and the user's API key. An unknown email takes
	 * as long as a wrong password and gets the same answer, so that neither tells which
	 * accounts exist. (Password guessing is held back by the {@code login} rate-limit rule.)
	 * @param email the email address, in lower case
	 * @param password the password
	 * @return the user and API key
	 * @throws InvalidCredentialsException when no user has that email and password
	 */
	public SignIn login(String email, String password) {
		User user = this.users.findByEmail(email).orElse(null);
		@Nullable String hash = (user != null) ? user.getPasswordHash() : null;
		if (!DemoPasswords.matches(password, hash) || user == null) {
			throw new InvalidCredentialsException();
		}
		Long id = user.getId();
		if (id == null) {
			throw new IllegalStateException("User " + email + " has not been saved");
		}
		return new SignIn(new SignedInUser(id, user.getEmail(), user.getDisplayName(), user.getPlan().id()),
				user.getApiKey());
	}

}
