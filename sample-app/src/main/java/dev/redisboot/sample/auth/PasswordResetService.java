package dev.redisboot.sample.auth;

import dev.redisboot.ratelimit.RateLimited;
import dev.redisboot.sample.user.UserRepository;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Service;

/**
 * Sends password-reset links (in this demo, only logs that it would).
 *
 * @author redisboot
 */
@Service
public class PasswordResetService {

	private static final Log logger = LogFactory.getLog(PasswordResetService.class);

	private final UserRepository users;

	public PasswordResetService(UserRepository users) {
		this.users = users;
	}

	/**
	 * Sends a reset link to an address if an account has it. At most 3 calls an hour per
	 * address, whoever makes them and from wherever (the {@code password-reset} rule): a
	 * 4th throws {@code RateLimitExceededException} without running, answered 429, so that
	 * nobody can flood an inbox with reset emails.
	 * @param email the address, in lower case
	 */
	@RateLimited(rule = "password-reset", key = "#email")
	public void requestReset(String email) {
		this.users.findByEmail(email)
			.ifPresent((user) -> logger.info("Demo: a password-reset link for user " + user.getId()
					+ " would be emailed now"));
	}

}
