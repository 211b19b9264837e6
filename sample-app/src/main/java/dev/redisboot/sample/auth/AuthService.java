package dev.redisboot.sample.auth;

import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Signs users in: checks an email and password and hands out the user's API key.
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
	 * The API key of the user with an email and password. An unknown email takes as long as
	 * a wrong password and gets the same answer, so that neither tells which accounts exist.
	 * (Password guessing is held back by the {@code login} rate-limit rule.)
	 * @param email the email address, in lower case
	 * @param password the password
	 * @return the user's API key and plan
	 * @throws InvalidCredentialsException when no user has that email and password
	 */
	public LoginResponse login(String email, String password) {
		User user = this.users.findByEmail(email).orElse(null);
		@Nullable String hash = (user != null) ? user.getPasswordHash() : null;
		if (!DemoPasswords.matches(password, hash) || user == null) {
			throw new InvalidCredentialsException();
		}
		return new LoginResponse(user.getApiKey(), user.getPlan().id());
	}

}
