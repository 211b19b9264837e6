package dev.redisboot.session;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Sessions on a Redis that the application reaches over TLS.
 */
@WithRedis(RedisTopology.TLS)
class SessionTlsIntegrationTests extends AbstractSessionIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedTls();
	}

}
