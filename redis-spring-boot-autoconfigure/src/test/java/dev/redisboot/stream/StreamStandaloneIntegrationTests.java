package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

/**
 * Stream listeners and jobs on a standalone Redis.
 */
@WithRedis
class StreamStandaloneIntegrationTests extends AbstractStreamIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

}
