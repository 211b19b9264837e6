package dev.redisboot.cache;

import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application user whose ACL key pattern covers the entries of one cache only (not the
 * other caches, not the lock keys): every cache still answers, the refused commands are
 * counted and logged once, and granting the keys makes them cache again without a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class CacheNoPermissionIntegrationTests extends CacheIntegrationTestSupport {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.startWithAclUser("~it-*:cache:products:* &* +@all -@dangerous");
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	protected RedisDeployment redis() {
		return redis;
	}

	@Test
	void cachesOutsideTheUsersPatternDegradeAndRecoverOnceGranted(CapturedOutput output) {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.find(1).name()).isEqualTo("product-1");
			assertThat(service.find(1).name()).isEqualTo("product-1");
			assertThat(service.findCount()).as("the allowed cache caches").isEqualTo(1);
			// entries of another cache: every call loads, nothing fails
			for (int i = 1; i <= 5; i++) {
				assertThat(service.stat("visits")).isEqualTo(i);
			}
			assertThat(count(context, "cache.redis.errors", "stats")).isGreaterThanOrEqualTo(10);
			// lock keys refused: a synchronized load still loads and stores its value
			Cache products = context.getBean(CacheManager.class).getCache("products");
			assertThat(products.get(2L, () -> ProductService.product(2, "loaded")).name()).isEqualTo("loaded");
			assertThat(products.get(2L, () -> ProductService.product(2, "again")).name()).isEqualTo("loaded");
			redis.node().execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "~it-*");
			long loaded = service.stat("visits");
			assertThat(service.stat("visits")).as("cached again").isEqualTo(loaded);
		});
		assertThat(AbstractCacheFaultIntegrationTests.lines(output, "with NOPERM")).isEqualTo(2);
	}

}
