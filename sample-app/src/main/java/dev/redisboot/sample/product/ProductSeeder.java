package dev.redisboot.sample.product;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Adds a few demo products when there are none yet, so that the API has something to
 * return on a fresh database.
 *
 * @author redisboot
 */
@Component
class ProductSeeder implements ApplicationRunner {

	private final ProductRepository repository;

	ProductSeeder(ProductRepository repository) {
		this.repository = repository;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.repository.count() > 0) {
			return;
		}
		this.repository.saveAll(List.of(
				new Product("Starter plan", "One workspace, up to 3 members", new BigDecimal("9.00")),
				new Product("Team plan", "Unlimited workspaces, up to 50 members, SSO", new BigDecimal("49.00")),
				new Product("Extra storage", "100 GB of additional file storage", new BigDecimal("4.99"))));
	}

}
