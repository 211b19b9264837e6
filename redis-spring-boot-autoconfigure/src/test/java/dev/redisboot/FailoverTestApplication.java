package dev.redisboot;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.stream.JobHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.annotation.RedisListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with every feature on, for the failover tests: a cache with a loader, a
 * rate-limited endpoint, sessions, a job handler and a pub/sub listener, each recording what
 * it did.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class FailoverTestApplication {

	/**
	 * The pub/sub channel the listener subscribes to.
	 */
	static final String CHANNEL = "failover-events";

	/**
	 * The job type of {@link Jobs#run}.
	 */
	static final String JOB_TYPE = "failover-job";

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Prices prices() {
		return new Prices();
	}

	@Bean
	Jobs jobs() {
		return new Jobs();
	}

	@Bean
	Events events() {
		return new Events();
	}

	/**
	 * A cached loader that counts its loads per id.
	 */
	static class Prices {

		final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

		@Cacheable(cacheNames = "prices", sync = true)
		public String price(String id) {
			this.loads.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			return "price:" + id;
		}

		int loads(String id) {
			AtomicInteger count = this.loads.get(id);
			return (count != null) ? count.get() : 0;
		}

	}

	record Job(String id, boolean hold) {
	}

	/**
	 * Records each job it ran; jobs marked {@code hold} wait for {@link #release} first, so
	 * that they are in hand while Redis fails over.
	 */
	static class Jobs {

		final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger holding = new AtomicInteger();

		@JobHandler(JOB_TYPE)
		void run(Job job) throws InterruptedException {
			if (job.hold()) {
				this.holding.incrementAndGet();
				this.release.await(2, TimeUnit.MINUTES);
			}
			this.runs.computeIfAbsent(job.id(), (key) -> new AtomicInteger()).incrementAndGet();
		}

		boolean ran(String id) {
			return this.runs.containsKey(id);
		}

	}

	/**
	 * Records the messages published on {@link #CHANNEL}.
	 */
	static class Events {

		final Queue<String> received = new ConcurrentLinkedQueue<>();

		@RedisListener(CHANNEL)
		void on(String message) {
			this.received.add(message);
		}

	}

	@RestController
	static class Endpoints {

		@GetMapping({ "/api/limited", "/api/probe" })
		Map<String, String> limited() {
			return Map.of("ok", "true");
		}

		@PostMapping("/session")
		Map<String, String> write(HttpSession session, @RequestParam String value) {
			session.setAttribute("value", value);
			return Map.of("value", value);
		}

		@GetMapping("/session")
		Map<String, String> read(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object value = (session != null) ? session.getAttribute("value") : null;
			return Map.of("value", (value != null) ? value.toString() : "none");
		}

	}

}
