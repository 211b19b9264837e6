package dev.redisboot.sample.user;

import java.time.Instant;
import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Adds a few demo users, {@value #DEMO_EMAIL} among them, when there are none yet, so that
 * the API has something to return on a fresh database.
 *
 * @author redisboot
 */
@Component
class UserSeeder implements ApplicationRunner {

	static final String DEMO_EMAIL = "demo@example.com";

	private final UserRepository repository;

	UserSeeder(UserRepository repository) {
		this.repository = repository;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.repository.count() > 0) {
			return;
		}
		Instant now = Instant.now();
		this.repository.saveAll(List.of(new User(DEMO_EMAIL, "Demo User", now),
				new User("ada@example.com", "Ada Lovelace", now), new User("grace@example.com", "Grace Hopper", now)));
	}

}
