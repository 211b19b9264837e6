package dev.redisboot.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * An application with stream listeners and job handlers that record what they were given.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class StreamTestApplication {

	@Bean
	io.micrometer.core.instrument.MeterRegistry meterRegistry() {
		return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
	}

	@Bean
	Recorder recorder(Environment environment) {
		return new Recorder(environment.getProperty("test.block-slow", Boolean.class, false));
	}

	record Order(String id, int failTimes) {
	}

	record Email(String to) {
	}

	record Handled(String what, StreamDelivery delivery, long atMillis) {
	}

	static class Recorder {

		final List<Handled> handled = new CopyOnWriteArrayList<>();

		final CountDownLatch slowStarted = new CountDownLatch(1);

		final Semaphore reportsStarted = new Semaphore(0);

		private final boolean blockSlow;

		private final CountDownLatch never = new CountDownLatch(1);

		Recorder(boolean blockSlow) {
			this.blockSlow = blockSlow;
		}

		List<String> handled(String prefix) {
			return this.handled.stream().map(Handled::what).filter((what) -> what.startsWith(prefix)).toList();
		}

		@RedisStreamListener(stream = "orders", group = "billing", concurrency = 2, maxAttempts = 3)
		void order(Order order, StreamDelivery delivery) {
			this.handled.add(new Handled("order:" + order.id() + ":" + delivery.attempt(), delivery,
					System.currentTimeMillis()));
			if (delivery.attempt() <= order.failTimes()) {
				throw new IllegalStateException("Payment service down for " + order.id());
			}
		}

		@RedisStreamListener(stream = "orders", group = "shipping")
		void ship(Order order) {
			this.handled.add(new Handled("ship:" + order.id(), null, System.currentTimeMillis()));
		}

		@RedisStreamListener(stream = "slow", group = "workers")
		void slow(String payload, StreamDelivery delivery) throws InterruptedException {
			if (this.blockSlow) {
				this.slowStarted.countDown();
				this.never.await(1, TimeUnit.HOURS);
			}
			this.handled.add(new Handled("slow:" + payload, delivery, System.currentTimeMillis()));
		}

		/**
		 * A long job that runs until it is cancelled, as a handler would check between steps.
		 */
		@JobHandler("long-report")
		void report(String name, StreamDelivery delivery) throws InterruptedException {
			this.reportsStarted.release();
			while (!delivery.isCancelled()) {
				this.never.await(20, TimeUnit.MILLISECONDS);
			}
			this.handled.add(new Handled("long-report:" + name + ":cancelled", delivery, System.currentTimeMillis()));
		}

		@JobHandler("urgent")
		void urgent(String name, StreamDelivery delivery) {
			this.handled.add(new Handled("urgent:" + name, delivery, System.currentTimeMillis()));
		}

		@JobHandler("newsletter")
		void newsletter(String name, StreamDelivery delivery) {
			this.handled.add(new Handled("newsletter:" + name, delivery, System.currentTimeMillis()));
		}

		@JobHandler("fail")
		void fail(String name, StreamDelivery delivery) {
			this.handled.add(new Handled("fail:" + name + ":" + delivery.attempt(), delivery, System.currentTimeMillis()));
			throw new IllegalStateException("Report service down for " + name);
		}

		@JobHandler("email")
		void email(Email email, StreamDelivery delivery) {
			this.handled.add(new Handled("email:" + email.to(), delivery, System.currentTimeMillis()));
		}

	}

}
