package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

/**
 * Stream listeners and jobs as a least-privilege user ({@code +@all -@dangerous}), as on
 * managed Redis services.
 */
@WithRedis
class StreamAclIntegrationTests extends AbstractStreamIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
