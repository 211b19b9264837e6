package dev.redisboot.writebehind;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared write-behind tests as the least-privilege user of a managed Redis ({@code +@all -@dangerous ~* &*}): no command write-behind sends, the sweeper's {@code HSCAN} included, is dangerous.
 */
@WithRedis(RedisTopology.ACL)
class WriteBehindAclIntegrationTests extends AbstractWriteBehindIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
