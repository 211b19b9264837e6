package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;

/**
 * Stream listeners and jobs over TLS: the consumers' own connections must use the SSL bundle
 * too.
 */
@WithRedis
class StreamTlsIntegrationTests extends AbstractStreamIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedTls();
	}

}
