package dev.redisboot.schedule;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared recurring-job tests through Sentinel: the state, the jobs and their idempotency
 * keys live on the current primary.
 */
@WithRedis(RedisTopology.SENTINEL)
class RecurringJobsSentinelIntegrationTests extends AbstractRecurringJobsIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedSentinel();
	}

}
