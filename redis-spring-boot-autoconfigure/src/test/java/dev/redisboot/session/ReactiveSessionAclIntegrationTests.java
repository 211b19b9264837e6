package dev.redisboot.session;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Reactive sessions on a Redis where the application's user has what managed Redis services
 * give ({@code +@all -@dangerous}): every command and script the repository runs on the
 * reactive path must be allowed to it.
 */
@NonBlockingTest
@WithRedis(RedisTopology.ACL)
class ReactiveSessionAclIntegrationTests extends AbstractReactiveSessionIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
