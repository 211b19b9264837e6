package dev.redisboot.sample.auth;

import java.net.URI;
import java.util.Locale;

import dev.redisboot.sample.mail.WelcomeEmail;
import dev.redisboot.sample.session.UserSessions;
import dev.redisboot.sample.user.UserView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/auth} endpoints.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/auth")
class AuthController {

	private final AuthService auth;

	private final PasswordResetService passwordResets;

	private final SignupService signups;

	private final UserSessions sessions;

	AuthController(AuthService auth, PasswordResetService passwordResets, SignupService signups,
			UserSessions sessions) {
		this.auth = auth;
		this.passwordResets = passwordResets;
		this.signups = signups;
		this.sessions = sessions;
	}

	/**
	 * Creates an account on the free plan and sends it a welcome mail in the background:
	 * 201 with the user, 409 when the email address has an account already. Does not sign
	 * in: {@code POST /api/auth/login} does, and answers the new API key. Limited per client
	 * IP by the {@code signup} rate-limit rule.
	 * <p>
	 * The welcome mail's job id goes into the browser's session (created if need be), which
	 * the sign-in keeps under its new id, so that {@code GET /api/me/welcome-mail} can show
	 * the job's progress to this browser, and to no one else.
	 */
	@PostMapping("/signup")
	ResponseEntity<UserView> signup(@Valid @RequestBody SignupRequest body, HttpServletRequest request) {
		SignedUp signedUp = this.signups.signUp(normalized(body.email()), body.name().trim(), body.password());
		if (signedUp.welcomeMailJob() != null) {
			request.getSession().setAttribute(WelcomeEmail.JOB_ATTRIBUTE, signedUp.welcomeMailJob());
		}
		UserView user = signedUp.user();
		return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(user);
	}

	/**
	 * Answers the user's API key and plan, for API clients, and signs the user into the
	 * HTTP session (the {@code SESSION} cookie), for browsers. A wrong email or password
	 * leaves the session alone.
	 */
	@PostMapping("/login")
	LoginResponse login(@Valid @RequestBody LoginRequest body, HttpServletRequest request) {
		SignIn signIn = this.auth.login(normalized(body.email()), body.password());
		this.sessions.signIn(request, signIn.user());
		return signIn.response();
	}

	/**
	 * Signs this session out. Always 204, signed in or not.
	 */
	@PostMapping("/logout")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void logout(HttpServletRequest request) {
		this.sessions.signOut(request);
	}

	/**
	 * Signs the session's user out of all of the user's sessions, this one included
	 * ({@code {"revoked": 2}}); 401 without a signed-in session.
	 */
	@PostMapping("/logout-everywhere")
	RevokedSessions logoutEverywhere(HttpServletRequest request) {
		return new RevokedSessions(this.sessions.signOutEverywhere(request));
	}

	/**
	 * Always 202, whether or not an account has the address, so that the answer does not
	 * tell which accounts exist.
	 */
	@PostMapping("/password-reset")
	@ResponseStatus(HttpStatus.ACCEPTED)
	void passwordReset(@Valid @RequestBody PasswordResetRequest request) {
		this.passwordResets.requestReset(normalized(request.email()));
	}

	/**
	 * An email address as accounts store it, so that {@code Ann@Example.com } is
	 * {@code ann@example.com}, for signing in and for the password-reset limit alike.
	 */
	private static String normalized(String email) {
		return email.trim().toLowerCase(Locale.ROOT);
	}

}
