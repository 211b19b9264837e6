package dev.redisboot.stream;

import java.time.Duration;
import java.util.List;

import dev.redisboot.stream.StreamTestApplication.Order;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream listeners and jobs on a standalone Redis.
 */
@WithRedis
class StreamStandaloneIntegrationTests extends AbstractStreamIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	/**
	 * The console's Jobs tab once showed 2 dead letters (read by the endpoint) while the
	 * {@code redisboot.stream.dead-letters} gauge said 0: the gauge is refreshed every
	 * {@code stats-interval} (15s), the endpoint reads Redis. Reading the endpoint now
	 * refreshes the gauges with the figures it shows.
	 */
	@Test
	void theBacklogGaugesShowWhatTheEndpointShowsOnceItIsRead() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix(),
				"redisboot.stream.stats-interval=1h")) {
			a.getBean(StreamPublisher.class).add("orders", new Order("doomed", 99));
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("orders", "billing").deadLetters()).isEqualTo(1));
			// the periodic refresh ran once, at start, before the dead letter: the gauge is stale
			assertThat(deadLettersGauge(a)).isZero();
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class), store, 1000);
			StreamStats shown = endpoint.streams()
				.stream()
				.filter((stats) -> stats.stream().equals("orders") && stats.group().equals("billing"))
				.findFirst()
				.orElseThrow();
			assertThat(shown.deadLetters()).isEqualTo(1);
			assertThat(deadLettersGauge(a)).isEqualTo(shown.deadLetters());
			assertThat(registry(a).get("redisboot.stream.pending").tag("stream", "orders").tag("group", "billing")
				.gauge()
				.value()).isEqualTo(shown.pending());
			// the one-stream view refreshes them too: after a retry moved the dead letter back
			assertThat(endpoint.retryDeadLetters("orders", "billing", 10)).containsEntry("retried", 1);
			@SuppressWarnings("unchecked")
			List<StreamStats> groups = (List<StreamStats>) endpoint.stream("orders").get("groups");
			StreamStats billing = groups.stream().filter((g) -> g.group().equals("billing")).findFirst().orElseThrow();
			assertThat(deadLettersGauge(a)).isEqualTo(billing.deadLetters());
		}
	}

	private static double deadLettersGauge(ConfigurableApplicationContext context) {
		var gauge = registry(context).find("redisboot.stream.dead-letters")
			.tag("stream", "orders")
			.tag("group", "billing")
			.gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

}
