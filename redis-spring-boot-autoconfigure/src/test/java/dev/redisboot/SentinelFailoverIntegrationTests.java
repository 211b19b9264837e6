package dev.redisboot;

import java.util.List;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.WithRedis;

/**
 * Every feature through a Sentinel promotion: the primary is killed under load and the
 * Sentinels promote its replica, on a deployment of the class's own.
 */
@WithRedis(value = RedisTopology.SENTINEL, isolated = true)
class SentinelFailoverIntegrationTests extends AbstractFailoverIntegrationTests {

	@Override
	String jobsStream(RedisDeployment redis) {
		return "jobs";
	}

	@Override
	RedisNode primaryOf(RedisDeployment redis, String key) {
		return ((SentinelRedis) redis).currentPrimary();
	}

	@Override
	List<RedisNode> primaries(RedisDeployment redis) {
		return List.of(((SentinelRedis) redis).currentPrimary());
	}

}
