package dev.redisboot.ratelimit;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared rate-limit tests as the least-privilege user of a managed Redis
 * ({@code +@all -@dangerous ~* &*}): the limiter needs only GET and its script.
 */
@WithRedis(RedisTopology.ACL)
class RateLimitAclIntegrationTests extends AbstractRateLimitIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
