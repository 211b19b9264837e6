package dev.redisboot.sample.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The JSON body of {@code POST /api/auth/login}.
 *
 * @param email the account's email address
 * @param password the password
 * @author redisboot
 */
public record LoginRequest(

		@NotBlank(message = "email must not be blank")
		@Size(max = 320, message = "email must be at most 320 characters") String email,

		@NotBlank(message = "password must not be blank")
		@Size(max = 200, message = "password must be at most 200 characters") String password) {

}
