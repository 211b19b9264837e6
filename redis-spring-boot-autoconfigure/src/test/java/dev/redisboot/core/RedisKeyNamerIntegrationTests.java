package dev.redisboot.core;

import java.util.List;
import java.util.Set;

import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisKeyNamer} against real Redis: hash-tagged keys share a Cluster slot and can be
 * used together in one script, and patterns match ids with glob characters literally.
 */
class RedisKeyNamerIntegrationTests {

	private static final RedisScript<Long> TOUCH_BOTH = RedisScript
		.of("redis.call('SET', KEYS[1], '1'); redis.call('SET', KEYS[2], '2'); return 2", Long.class);

	private ApplicationContextRunner runner(DataRedisConnectionDetails details, String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> details)
			.withPropertyValues("redisboot.key-prefix=" + prefix);
	}

	@Test
	void hashTaggedKeysShareOneClusterSlotAndWorkInOneScript() {
		ClusterRedis cluster = RedisDeployments.sharedCluster();
		runner(cluster.connectionDetails(), "it-tags").run((context) -> {
			RedisKeyNamer namer = context.getBean(RedisKeyNamer.class);
			String delayed = namer.hashTaggedKey("jobs", "email", "delayed");
			String stream = namer.hashTaggedKey("jobs", "email", "stream");
			assertThat(delayed).isEqualTo("it-tags:jobs:{email}:delayed");
			assertThat(cluster.slotOf(delayed)).isEqualTo(cluster.slotOf(stream));
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			assertThat(template.execute(TOUCH_BOTH, List.of(delayed, stream))).isEqualTo(2L);
			assertThat(template.opsForValue().get(stream)).isEqualTo("2");
		});
	}

	@Test
	void keysWithoutTagsSpreadOverTheCluster() {
		ClusterRedis cluster = RedisDeployments.sharedCluster();
		RedisKeyNamer namer = new RedisKeyNamer("it-spread");
		Set<Integer> slots = new java.util.HashSet<>();
		for (int i = 0; i < 20; i++) {
			slots.add(cluster.slotOf(namer.key("cache", "users", Integer.toString(i))));
		}
		assertThat(slots).hasSizeGreaterThan(10);
	}

	@Test
	void patternMatchesAGlobCharacterInAnIdLiterally() {
		StandaloneRedis redis = RedisDeployments.sharedStandalone();
		runner(redis.connectionDetails(), "it-glob").run((context) -> {
			RedisKeyNamer namer = context.getBean(RedisKeyNamer.class);
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			String literal = namer.key("cache", "users*", "1");
			String other = namer.key("cache", "users-admin", "1");
			template.opsForValue().set(literal, "a");
			template.opsForValue().set(other, "b");
			assertThat(scan(template, namer.pattern("cache", "users*"))).containsExactly(literal);
			assertThat(scan(template, namer.pattern("cache"))).containsExactlyInAnyOrder(literal, other);
		});
	}

	private static List<String> scan(StringRedisTemplate template, String pattern) {
		try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(pattern).count(100).build())) {
			return cursor.stream().toList();
		}
	}

}
