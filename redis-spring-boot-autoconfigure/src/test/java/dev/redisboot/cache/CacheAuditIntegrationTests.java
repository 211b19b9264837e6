package dev.redisboot.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.audit.AuditTrail;
import dev.redisboot.audit.autoconfigure.RedisbootAuditAutoConfiguration;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit of sensitive caches ({@code redisboot.cache.caches.<name>.audit}) against a real
 * Redis: loads, writes, evictions and clears land in the audit stream with the principal (as
 * a digest, or by name) and the key's digest, never the key or the value; the per-cache bound
 * holds under a concurrent burst; sampling skips and counts; wrong settings fail startup
 * naming the property.
 */
@WithRedis
class CacheAuditIntegrationTests extends CacheIntegrationTestSupport {

	private static final String PATIENT = "patient-alice@example.com";

	private static final String DOCTOR = "dr.bob@example.com";

	private static final String VALUE = "diagnosis: confidential";

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Override
	protected ApplicationContextRunner runner() {
		return super.runner()
			.withConfiguration(AutoConfigurations.of(RedisbootAuditAutoConfiguration.class))
			.withPropertyValues("redisboot.cache.caches.patients.audit=true",
					"redisboot.key-digest-secret=c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==");
	}

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void loadsWritesEvictionsAndClearsAreRecordedWithThePrincipalAndKeyDigestsOnly() {
		runner().run((context) -> {
			signIn(DOCTOR);
			Cache patients = context.getBean(CacheManager.class).getCache("patients");
			assertThat(patients.get(PATIENT, () -> VALUE)).isEqualTo(VALUE);
			assertThat(patients.get(PATIENT, () -> "never loaded")).as("a hit is not recorded by default")
				.isEqualTo(VALUE);
			patients.put(PATIENT, VALUE + " (revised)");
			patients.evict(PATIENT);
			SecurityContextHolder.clearContext();
			patients.clear();
			context.getBean(CacheManager.class).getCache("products").put(1L, "not audited");

			List<Map<String, String>> entries = awaitEntries(context, 4);
			KeyDigester digester = context.getBean(KeyDigester.class);
			String keyTarget = "cache=patients key=#" + digester.digest("cache", PATIENT);
			assertThat(entries).extracting((entry) -> entry.get("action"))
				.containsExactly("cache:clear", "cache:evict", "cache:put", "cache:load");
			assertThat(entries).extracting((entry) -> entry.get("target"))
				.containsExactly("cache=patients key=*", keyTarget, keyTarget, keyTarget);
			// the display digest the console shows the person by on every tab
			String doctor = digester.display(DOCTOR);
			assertThat(entries).extracting((entry) -> entry.get("actor"))
				.containsExactly("anonymous", doctor, doctor, doctor);
			assertThat(entries).extracting((entry) -> entry.get("result")).containsOnly("ok");
			assertThat(entries).extracting((entry) -> entry.get("client")).containsOnly("unknown");
			assertThat(rawStream(context)).doesNotContain(PATIENT, DOCTOR, "diagnosis", "confidential", "example.com");
			assertThat(count(context, "cache.audit.records", "patients", "outcome", "queued")).isEqualTo(4);
			assertThat(count(context, "cache.audit.records", "products")).as("products is not audited").isEqualTo(-1);
			assertThat(context.getBean(MeterRegistry.class)
				.get("redisboot.audit.events")
				.tag("action", "cache:load")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void readsAndActorNamesOnRequest() {
		runner().withPropertyValues("redisboot.cache.audit.reads=true", "redisboot.cache.audit.actor=name")
			.run((context) -> {
				signIn("nurse-7");
				Cache patients = context.getBean(CacheManager.class).getCache("patients");
				patients.get("p-1");
				patients.put("p-1", VALUE); // after a miss on this thread: what @Cacheable does, a load
				patients.get("p-1");
				patients.put("p-1", VALUE);
				List<Map<String, String>> entries = awaitEntries(context, 4);
				assertThat(entries).extracting((entry) -> entry.get("action") + " " + entry.get("result"))
					.containsExactly("cache:put ok", "cache:read hit", "cache:load ok", "cache:read miss");
				assertThat(entries).extracting((entry) -> entry.get("actor")).containsOnly("nurse-7");
			});
	}

	@Test
	void theBoundPerCacheAndSecondHoldsUnderAConcurrentBurst() throws Exception {
		int threads = 8;
		int putsPerThread = 50;
		runner().withPropertyValues("redisboot.cache.audit.max-per-second=5").run((context) -> {
			Cache patients = context.getBean(CacheManager.class).getCache("patients");
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			try {
				for (int t = 0; t < threads; t++) {
					int thread = t;
					done.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < putsPerThread; i++) {
							patients.put("p-" + thread + "-" + i, VALUE);
						}
						return null;
					}));
				}
				long firstSecond = Instant.now().getEpochSecond();
				start.countDown();
				for (Future<?> future : done) {
					future.get(60, TimeUnit.SECONDS);
				}
				long lastSecond = Instant.now().getEpochSecond();
				double queued = count(context, "cache.audit.records", "patients", "outcome", "queued");
				double overLimit = count(context, "cache.audit.records", "patients", "outcome", "over-limit");
				assertThat(queued + overLimit).isEqualTo(threads * putsPerThread);
				assertThat(queued).as("at most 5 in each second the burst spanned")
					.isLessThanOrEqualTo(5 * (lastSecond - firstSecond + 1))
					.isPositive();
				assertThat(awaitEntries(context, (int) queued)).hasSize((int) queued);
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	@Test
	void samplingRecordsAShareAndCountsTheRest() {
		runner().withPropertyValues("redisboot.cache.audit.sample-rate=50%", "redisboot.cache.audit.max-per-second=100000")
			.run((context) -> {
				Cache patients = context.getBean(CacheManager.class).getCache("patients");
				for (int i = 0; i < 400; i++) {
					patients.evict("p-" + i);
				}
				double queued = count(context, "cache.audit.records", "patients", "outcome", "queued");
				double sampledOut = count(context, "cache.audit.records", "patients", "outcome", "sampled-out");
				assertThat(queued + sampledOut).isEqualTo(400);
				assertThat(queued).as("about half of 400 (10 standard deviations either way)").isBetween(100.0, 300.0);
				assertThat(awaitEntries(context, (int) queued)).hasSize((int) queued);
			});
	}

	@Test
	void wrongSettingsFailStartupNamingTheProperty() {
		runner().withPropertyValues("redisboot.audit.enabled=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("redisboot.cache.caches.patients.audit"));
		runner().withPropertyValues("redisboot.cache.audit.sample-rate=0%")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("redisboot.cache.audit.sample-rate"));
		runner().withPropertyValues("redisboot.cache.audit.max-per-second=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("redisboot.cache.audit.max-per-second"));
	}

	private static void signIn(String name) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, null, List.of()));
	}

	private List<Map<String, String>> awaitEntries(AssertableApplicationContext context, int expected) {
		AuditTrail trail = context.getBean(AuditTrail.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> trail.recent(expected + 10).entries().size() >= expected);
		// nothing more arrives: the writer has drained the queue
		await().atMost(Duration.ofSeconds(5)).until(() -> trail.recent(expected + 10).entries().size() == expected);
		return trail.recent(expected + 10).entries();
	}

	private String rawStream(AssertableApplicationContext context) {
		StringBuilder raw = new StringBuilder();
		for (MapRecord<String, Object, Object> record : context.getBean(StringRedisTemplate.class)
			.opsForStream()
			.range(prefix() + ":audit", org.springframework.data.domain.Range.unbounded())) {
			record.getValue().forEach((field, value) -> raw.append(field).append('=').append(value).append('\n'));
		}
		assertThat(raw).isNotEmpty();
		return raw.toString();
	}

}
