package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.redisboot.benchmarks.BenchmarkDeployment.Connection;
import dev.redisboot.benchmarks.BenchmarkDeployment.Topology;
import dev.redisboot.benchmarks.ConcurrentCacheBenchmark.Cursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link ConcurrentCacheBenchmark}: each method called by 16 threads at once,
 * as JMH's {@code -t 16} would, every call a hit returning the product, and the Redis commands
 * per call the report relies on: one {@code GET} for the baseline and a Redis hit, none for a
 * near-cache hit; with {@code read-from=replicaPreferred} the {@code GET}s go to the replica on
 * Sentinel (on a cluster they are all served, see below); the pooled variants have the pool (and, unshared, no shared
 * connection) they claim.
 */
class ConcurrentCacheBenchmarkTests {

	private static final int THREADS = 16;

	private static final int CALLS_PER_THREAD = 100;

	@ParameterizedTest
	@EnumSource(names = { "SHARED", "POOL", "POOL_UNSHARED" })
	void standaloneCallsAreHitsWithOneGetPerRedisHitAndNoneForTheNearCache(Connection connection) throws Exception {
		ConcurrentCacheBenchmark benchmark = start(Topology.STANDALONE, connection);
		try {
			assertThat(benchmark.connectionFactory().getClientConfiguration() instanceof LettucePoolingClientConfiguration)
				.as("pooled").isEqualTo(connection != Connection.SHARED);
			assertThat(benchmark.connectionFactory().getShareNativeConnection()).as("shared native connection")
				.isEqualTo(connection != Connection.POOL_UNSHARED);
			Map<String, Double> get = run(benchmark, (cursor) -> benchmark.get(cursor));
			assertThat(BenchmarkDeployment.total(get, "get")).as("GETs per baseline call %s", get).isCloseTo(1.0, within(0.01));
			Map<String, Double> redisHit = run(benchmark, (cursor) -> benchmark.redisHit(cursor));
			assertThat(BenchmarkDeployment.total(redisHit, "get")).as("GETs per Redis hit %s", redisHit)
				.isCloseTo(1.0, within(0.01));
			Map<String, Double> nearHit = run(benchmark, (cursor) -> benchmark.nearHit(cursor));
			assertThat(nearHit.values().stream().mapToDouble(Double::doubleValue).sum()).as("commands per near hit %s", nearHit)
				.isLessThan(0.01);
			assertThat(benchmark.missesAfterWarmUp()).containsOnly(Map.entry("redis", 0), Map.entry("near", 0));
			assertThat(benchmark.summary()).contains("STANDALONE/" + connection);
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void sentinelReplicaReadsGoToTheReplica() throws Exception {
		ConcurrentCacheBenchmark benchmark = start(Topology.SENTINEL, Connection.REPLICA);
		try {
			Map<String, Double> redisHit = run(benchmark, (cursor) -> benchmark.redisHit(cursor));
			assertThat(redisHit.getOrDefault("replica:get", 0.0)).as("GETs on replicas per hit %s", redisHit)
				.isCloseTo(1.0, within(0.01));
			assertThat(redisHit.getOrDefault("primary:get", 0.0)).as("GETs on primaries per hit %s", redisHit)
				.isLessThan(0.01);
			Map<String, Double> get = run(benchmark, (cursor) -> benchmark.get(cursor));
			assertThat(get.getOrDefault("replica:get", 0.0)).as("%s", get).isCloseTo(1.0, within(0.01));
			assertThat(benchmark.missesAfterWarmUp()).containsOnly(Map.entry("redis", 0), Map.entry("near", 0));
		}
		finally {
			benchmark.tearDown();
		}
	}

	/**
	 * On the harness's cluster (Redis 7.0, Lettuce 7.5.2) Lettuce finds no replica to read a
	 * slot from: {@code replicaPreferred} reads every key from its primary (and
	 * {@code ReadFrom.REPLICA} fails every read), which docs/benchmarks.md reports. Every call
	 * is still one {@code GET} and a hit.
	 */
	@Test
	void clusterReplicaPreferredReadsAreServedWithOneGetEach() throws Exception {
		ConcurrentCacheBenchmark benchmark = start(Topology.CLUSTER, Connection.REPLICA);
		try {
			Map<String, Double> redisHit = run(benchmark, (cursor) -> benchmark.redisHit(cursor));
			assertThat(BenchmarkDeployment.total(redisHit, "get")).as("GETs per hit %s", redisHit)
				.isCloseTo(1.0, within(0.01));
			assertThat(benchmark.missesAfterWarmUp()).containsOnly(Map.entry("redis", 0), Map.entry("near", 0));
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void cursorsCycleOverEveryEntry() {
		Cursor cursor = new Cursor();
		List<Integer> ids = new ArrayList<>();
		for (int i = 0; i < ConcurrentCacheBenchmark.KEYS; i++) {
			ids.add(cursor.next());
		}
		assertThat(ids).doesNotHaveDuplicates().allSatisfy((id) -> assertThat(id).isBetween(1, ConcurrentCacheBenchmark.KEYS));
	}

	private static ConcurrentCacheBenchmark start(Topology topology, Connection connection) {
		ConcurrentCacheBenchmark benchmark = new ConcurrentCacheBenchmark();
		benchmark.topology = topology;
		benchmark.connection = connection;
		benchmark.start("smoke test");
		return benchmark;
	}

	/**
	 * Calls a benchmark method on {@value #THREADS} threads released together, checks every
	 * result, and returns the commands per call.
	 */
	private static Map<String, Double> run(ConcurrentCacheBenchmark benchmark, Function<Cursor, Object> method)
			throws Exception {
		benchmark.resetCounts();
		callTogether(method);
		assertThat(benchmark.calls()).isEqualTo((long) THREADS * CALLS_PER_THREAD);
		return benchmark.commandsPerCall();
	}

	/**
	 * Calls a benchmark method {@value #CALLS_PER_THREAD} times on each of {@value #THREADS}
	 * threads released together, as JMH's {@code -t 16} would, and checks every result.
	 * @param method the benchmark method
	 * @throws Exception when a call fails
	 */
	static void callTogether(Function<Cursor, Object> method) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Object>> results = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				results.add(threads.submit(() -> {
					Cursor cursor = new Cursor();
					start.await();
					Object last = null;
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						last = method.apply(cursor);
						assertThat(last).isNotNull();
					}
					return last;
				}));
			}
			start.countDown();
			for (Future<Object> result : results) {
				Object last = result.get(60, TimeUnit.SECONDS);
				if (last instanceof Product product) {
					assertThat(product).isEqualTo(Product.withJsonSize(1024));
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}
