package dev.redisboot.sample.auth;

import dev.redisboot.sample.user.UserView;
import org.jspecify.annotations.Nullable;

/**
 * A new account and the job that sends its welcome mail.
 *
 * @param user the new user
 * @param welcomeMailJob the id of the welcome-mail job, {@code null} when it could not be
 * enqueued (Redis unavailable)
 * @author redisboot
 */
public record SignedUp(UserView user, @Nullable String welcomeMailJob) {

}
