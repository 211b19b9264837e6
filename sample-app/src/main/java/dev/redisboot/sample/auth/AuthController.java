package dev.redisboot.sample.auth;

import java.util.Locale;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
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

	AuthController(AuthService auth, PasswordResetService passwordResets) {
		this.auth = auth;
		this.passwordResets = passwordResets;
	}

	@PostMapping("/login")
	LoginResponse login(@Valid @RequestBody LoginRequest request) {
		return this.auth.login(normalized(request.email()), request.password());
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
