package dev.redisboot.cache;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

@WithRedis
class CacheFaultStandaloneIntegrationTests extends AbstractCacheFaultIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

}
