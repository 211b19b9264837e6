package dev.redisboot.sample.user;

import java.time.Instant;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Adds a few demo users, {@value #DEMO_EMAIL} among them, when there are none yet, so that
 * the API has something to return on a fresh database. They all have the password
 * {@value #DEMO_PASSWORD} and fixed API keys, so that the README's {@code curl} commands
 * work: {@value #DEMO_EMAIL} is on the free plan ({@value #FREE_API_KEY}),
 * {@value #PRO_EMAIL} on the pro plan ({@value #PRO_API_KEY}).
 *
 * @author redisboot
 */
@Component
class UserSeeder implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(UserSeeder.class);

	static final String DEMO_EMAIL = "demo@example.com";

	static final String PRO_EMAIL = "ada@example.com";

	static final String DEMO_PASSWORD = "demo-password";

	static final String FREE_API_KEY = "demo-free-key";

	static final String PRO_API_KEY = "demo-pro-key";

	/**
	 * {@code DemoPasswords.hash("demo-password")}, computed once; the demo users share it
	 * (and so its salt).
	 */
	private static final String DEMO_PASSWORD_HASH = "pbkdf2-sha256:20000:VlZEuObX1UgihFZMmSczUw==:"
			+ "5uRe8mOZSkVj29HxWdk0XhrvgElhONqnd/RzOWEwHms=";

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
		this.repository.saveAll(List.of(
				new User(DEMO_EMAIL, "Demo User", now, Plan.FREE, FREE_API_KEY, DEMO_PASSWORD_HASH),
				new User(PRO_EMAIL, "Ada Lovelace", now, Plan.PRO, PRO_API_KEY, DEMO_PASSWORD_HASH),
				new User("grace@example.com", "Grace Hopper", now, Plan.FREE, "demo-free-key-2", DEMO_PASSWORD_HASH)));
		logger.info("Demo users, password '" + DEMO_PASSWORD + "': " + DEMO_EMAIL + " (free plan, API key "
				+ FREE_API_KEY + "), " + PRO_EMAIL + " (pro plan, API key " + PRO_API_KEY + ")");
	}

}
