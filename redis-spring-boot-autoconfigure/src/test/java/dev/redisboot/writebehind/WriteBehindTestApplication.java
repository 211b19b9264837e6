package dev.redisboot.writebehind;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/**
 * An application that counts page views behind the cache {@code views}: its "database"
 * records every write it is given.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
class WriteBehindTestApplication {

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Database database() {
		return new Database();
	}

	@Bean
	WriteBehind<String, Long> views(WriteBehindRegistry registry, Database database) {
		return registry.register("views", "views", String.class, Long.class, database::write);
	}

	/**
	 * Records the writes per key and how many ran at once; a key in {@link #failing} throws,
	 * the key {@code held} waits for {@link #release} on its first write, the value 1 of the
	 * key {@code slow} waits for {@link #slowRelease} ignoring interrupts (a writer that
	 * hangs, or an instance that froze mid-write).
	 */
	static class Database {

		final Map<String, List<Long>> writes = new ConcurrentHashMap<>();

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger mostAtOnce = new AtomicInteger();

		final CountDownLatch slowStarted = new CountDownLatch(1);

		final CountDownLatch slowRelease = new CountDownLatch(1);

		final Set<String> failing = ConcurrentHashMap.newKeySet();

		final CountDownLatch heldStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		void write(String key, Long value) throws InterruptedException {
			if (this.failing.contains(key)) {
				throw new IllegalStateException("Database down for " + key);
			}
			this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				this.writes.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(value);
				if (key.equals("held") && this.heldStarted.getCount() > 0) {
					this.heldStarted.countDown();
					this.release.await(30, TimeUnit.SECONDS);
				}
				if (key.equals("slow") && value == 1) {
					this.slowStarted.countDown();
					hang();
				}
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		private void hang() {
			boolean interrupted = false;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (this.slowRelease.getCount() > 0 && System.nanoTime() < deadline) {
				try {
					this.slowRelease.await(100, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					interrupted = true; // a frozen instance does not hear it
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		List<Long> writes(String key) {
			return this.writes.getOrDefault(key, List.of());
		}

	}

}
