package dev.redisboot.cache;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

/**
 * The cache as a least-privilege user ({@code +@all -@dangerous}), as on managed Redis
 * services: clears by SCAN, scripts, TTL reads all within the user's commands.
 */
@WithRedis
class RedisbootCacheAclIntegrationTests extends AbstractRedisbootCacheIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
