package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;

@WithRedis
class StreamFaultStandaloneIntegrationTests extends AbstractStreamFaultIntegrationTests {

	@Override
	protected StandaloneRedis redis() {
		return RedisDeployments.sharedStandalone();
	}

}
