package dev.redisboot.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Starts instances (application contexts, each with its own connection factory) on one
 * Redis and key prefix, makes schedulers of their own on them with stepped clocks, and
 * reads the jobs stream and the schedulers' meters.
 */
final class ScheduleInstances {

	private ScheduleInstances() {
	}

	static String newPrefix() {
		return "sched-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		List<String> properties = new ArrayList<>(List.of(redis.propertyValues()));
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		properties.add("redisboot.stream.shutdown-timeout=500ms");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(ScheduleTestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	/**
	 * A scheduler of the test's own on an instance's connection, started without its thread:
	 * the test calls {@link JobScheduler#fireDue()}.
	 */
	static Scheduler scheduler(ConfigurableApplicationContext context, Clock clock, List<RecurringJob> jobs) {
		return scheduler(context, clock, jobs, Duration.ofSeconds(2));
	}

	static Scheduler scheduler(ConfigurableApplicationContext context, Clock clock, List<RecurringJob> jobs,
			Duration timeout) {
		MeterRegistry registry = new SimpleMeterRegistry();
		JobScheduler scheduler = new JobScheduler(context.getBean(JobQueue.class),
				new LettuceCommands(context.getBean(LettuceConnectionFactory.class), timeout),
				context.getBean(RedisKeyNamer.class), jobs, new MicrometerScheduleMetrics(registry), clock);
		scheduler.begin();
		return new Scheduler(scheduler, registry);
	}

	static List<MapRecord<String, Object, Object>> jobs(ConfigurableApplicationContext context) {
		String key = context.getBean(StreamKeys.class).streamKey("jobs");
		List<MapRecord<String, Object, Object>> records = context.getBean(StringRedisTemplate.class)
			.opsForStream()
			.range(key, Range.unbounded());
		return (records != null) ? records : List.of();
	}

	static long jobs(ConfigurableApplicationContext context, String type) {
		return jobs(context).stream().map(MapRecord::getValue).filter((fields) -> type.equals(fields.get("type"))).count();
	}

	static Map<Object, Object> state(ConfigurableApplicationContext context, String schedule) {
		return context.getBean(StringRedisTemplate.class)
			.opsForHash()
			.entries(context.getBean(RedisKeyNamer.class).hashTaggedKey("schedule", schedule));
	}

	static RecurringJob fixedRate(String name, Duration rate, MissedFires missedFires) {
		return new RecurringJob(name, name, FireTimes.fixedRate(rate, Instant.EPOCH), Map.of("schedule", name),
				missedFires, Duration.ofMinutes(1));
	}

	static RecurringJob cron(String name, String cron, String zone) {
		return new RecurringJob(name, name, FireTimes.cron(cron, ZoneId.of(zone)), null, MissedFires.SKIP,
				Duration.ofMinutes(1));
	}

	/**
	 * A scheduler and its meters.
	 */
	record Scheduler(JobScheduler scheduler, MeterRegistry registry) {

		double fires(String schedule, String result) {
			Counter counter = this.registry.find("redisboot.schedule.fires")
				.tags("schedule", schedule, "result", result)
				.counter();
			return (counter != null) ? counter.count() : 0;
		}

		double badState(String schedule) {
			Counter counter = this.registry.find("redisboot.schedule.bad.state").tags("schedule", schedule).counter();
			return (counter != null) ? counter.count() : 0;
		}

	}

	/**
	 * A clock that tests step, shared by instances, each with a skew of its own.
	 */
	static final class SteppedClock extends Clock {

		private final AtomicReference<Instant> base;

		private final Duration skew;

		SteppedClock(AtomicReference<Instant> base, Duration skew) {
			this.base = base;
			this.skew = skew;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.base.get().plus(this.skew);
		}

	}

}
