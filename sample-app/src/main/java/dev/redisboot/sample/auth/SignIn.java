package dev.redisboot.sample.auth;

import dev.redisboot.sample.session.SignedInUser;

/**
 * A successful sign-in: the user, for the session, and the user's API key, for the answer.
 *
 * @param user who signed in, as the session keeps it
 * @param apiKey the user's API key, which the session does not keep
 * @author redisboot
 */
public record SignIn(SignedInUser user, String apiKey) {

	/**
	 * The JSON answer to {@code POST /api/auth/login}.
	 * @return the API key and plan
	 */
	public LoginResponse response() {
		return new LoginResponse(this.apiKey, this.user.plan());
	}

}
