package dev.redisboot.sample.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The JSON body of {@code POST /api/auth/password-reset}.
 *
 * @param email the address to send the reset link to
 * @author redisboot
 */
public record PasswordResetRequest(

		@NotBlank(message = "email must not be blank")
		@Size(max = 320, message = "email must be at most 320 characters") String email) {

}
