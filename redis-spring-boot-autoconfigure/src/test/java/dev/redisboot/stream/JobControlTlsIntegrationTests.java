package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

/**
 * Job status, cancellation and unique jobs on the shared Tls deployment.
 */
@WithRedis
class JobControlTlsIntegrationTests extends AbstractJobControlIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedTls();
	}

}
