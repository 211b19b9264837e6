package dev.redisboot.cache;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

@NonBlockingTest
@WithRedis
class CacheRetrieveStandaloneIntegrationTests extends AbstractCacheRetrieveIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

}
