package dev.redisboot.ratelimit;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared rate-limit tests with the application connected to Redis over TLS.
 */
@WithRedis(RedisTopology.TLS)
class RateLimitTlsIntegrationTests extends AbstractRateLimitIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedTls();
	}

}
