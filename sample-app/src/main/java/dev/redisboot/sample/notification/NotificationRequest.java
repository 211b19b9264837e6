package dev.redisboot.sample.notification;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The JSON body of {@code POST /api/notifications}.
 *
 * @param message the text, 1 to 500 characters
 * @param level {@code info} (when left out), {@code success}, {@code warning} or
 * {@code error}
 * @author redisboot
 */
public record NotificationRequest(

		@NotBlank(message = "message must not be blank")
		@Size(max = 500, message = "message must be at most 500 characters") String message,

		@Pattern(regexp = "info|success|warning|error",
				message = "level must be info, success, warning or error") @Nullable String level) {

	/**
	 * The level, {@code info} when none was given.
	 * @return the level
	 */
	String levelOrDefault() {
		return (this.level != null) ? this.level : "info";
	}

}
