package dev.redisboot.sample.webflux;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Integration tests for {@link WebfluxSampleApplication}: it runs on Reactor Netty without the
 * servlet stack, and redisboot's health, metrics, endpoints and locks work there (issue 19,
 * item 4).
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleApplicationIntegrationTests {

	@LocalServerPort
	private int port;

	private WebTestClient client() {
		return SampleClient.at(this.port, "10.0.1.1");
	}

	@Test
	void runsOnNettyWithoutTheServletStack(@Autowired ApplicationContext context) {
		assertThat(ClassUtils.isPresent("jakarta.servlet.Servlet", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", null)).isFalse();
		assertThat(context).isInstanceOf(ReactiveWebServerApplicationContext.class);
		assertThat(((ReactiveWebServerApplicationContext) context).getWebServer().getClass().getSimpleName())
			.isEqualTo("NettyWebServer");
	}

	@Test
	void blockHoundWatchesTheEventLoops() {
		// what makes every test of this module fail on a blocking call on an event loop
		assertThatException().isThrownBy(() -> Mono.delay(Duration.ofMillis(1))
			.doOnNext((tick) -> LockSupport.parkNanos(1_000_000))
			.block(Duration.ofSeconds(10))).withRootCauseInstanceOf(BlockingOperationError.class);
	}

	@Test
	void connectsToTheTestRedisWithTheConfiguredPrefix(StandaloneRedis redis,
			@Autowired LettuceConnectionFactory connectionFactory, @Autowired RedisKeyNamer keyNamer) {
		assertThat(connectionFactory.getPort()).isEqualTo(redis.port()).isNotEqualTo(6379);
		assertThat(keyNamer.key("cache", "products", "1")).startsWith("webflux-sample:");
	}

	@Test
	void healthIsUpWithRedisDetails(StandaloneRedis redis) {
		String version = redis.node().info("server").get("redis_version");
		this.client()
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.redis.status")
			.isEqualTo("UP")
			.jsonPath("$.components.redis.details.version")
			.isEqualTo(version);
	}

	@Test
	void prometheusShowsRedisbootMetersOfEveryFeature() {
		// a cached read, a rate-limited request, a notification and a job, so that their meters exist
		this.client().get().uri("/api/products/1").exchange().expectStatus().isOk();
		this.client()
			.post()
			.uri("/api/notifications")
			.bodyValue(Map.of("message", "metrics"))
			.exchange()
			.expectStatus()
			.isAccepted();
		String metrics = this.client()
			.get()
			.uri("/actuator/prometheus")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics).containsPattern("cache_gets_total\\{[^}]*cache=\"products\"")
			.contains("redisboot_ratelimit_requests_total")
			.contains("redisboot_pubsub_")
			.contains("redisboot_stream_")
			.contains("redis_client_commands_seconds");
	}

	@Test
	void redisEndpointShowsTheServer() {
		this.client()
			.get()
			.uri("/actuator/redis")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.mode")
			.isEqualTo("standalone");
	}

	@Test
	void streamsEndpointShowsTheJobStream() {
		this.client()
			.get()
			.uri("/actuator/streams")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("jobs"));
	}

	@Test
	void consoleAndAuditEndpointsAnswer() {
		this.client()
			.get()
			.uri("/actuator/console")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML);
		this.client().get().uri("/actuator/audit").exchange().expectStatus().isOk();
		this.client().get().uri("/actuator/schedules").exchange().expectStatus().isOk();
	}

	@Test
	void locksWorkOffTheEventLoop(@Autowired DistributedLocks locks) {
		// DistributedLocks blocks: a WebFlux application calls it on the bounded elastic scheduler
		String result = Mono
			.fromCallable(() -> locks.runLocked("webflux-report", Duration.ofSeconds(10),
					() -> locks.tryAcquire("webflux-report", Duration.ofSeconds(10)).isPresent() ? "reentered"
							: "held"))
			.subscribeOn(Schedulers.boundedElastic())
			.block(Duration.ofSeconds(10))
			.orElseThrow();
		assertThat(result).isEqualTo("held");
	}

}
