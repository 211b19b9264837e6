package dev.redisboot.lock;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared lock tests as the least-privilege user of a managed Redis
 * ({@code +@all -@dangerous ~* &*}): locks need only their two scripts.
 */
@WithRedis(RedisTopology.ACL)
class DistributedLocksAclIntegrationTests extends AbstractDistributedLocksIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
