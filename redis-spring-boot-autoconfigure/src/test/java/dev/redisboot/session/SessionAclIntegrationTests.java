package dev.redisboot.session;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Sessions on a Redis where the application's user has what managed Redis services give
 * ({@code +@all -@dangerous}: no INFO, KEYS, CONFIG, ...): every command and script the
 * repository runs must be allowed to it.
 */
@WithRedis(RedisTopology.ACL)
class SessionAclIntegrationTests extends AbstractSessionIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

}
