package dev.redisboot.sample.auth;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The JSON body of {@code POST /api/auth/signup}.
 *
 * @param email the new account's email address
 * @param name the name shown to other users
 * @param password the password, 8 to 200 characters
 * @author redisboot
 */
public record SignupRequest(

		@NotBlank(message = "email must not be blank") @Email(message = "email must be an email address")
		@Size(max = 320, message = "email must be at most 320 characters") String email,

		@NotBlank(message = "name must not be blank")
		@Size(max = 100, message = "name must be at most 100 characters") String name,

		@NotBlank(message = "password must not be blank")
		@Size(min = 8, max = 200, message = "password must be 8 to 200 characters") String password) {

}
