package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.annotation.RedisListener;
import org.springframework.data.redis.config.RedisListenerConfigurer;
import org.springframework.data.redis.listener.support.PubSubHeaders;
import org.springframework.data.redis.serializer.RedisMessageConverters;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.handler.annotation.Header;

/**
 * An application with {@code @RedisListener} methods: a record from JSON, a pattern, a
 * listener that throws on purpose, raw text and bytes, and a converter of its own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class PubSubTestApplication {

	/**
	 * Channels the listeners subscribe to, besides the pattern {@code audit:*}.
	 */
	static final int CHANNELS = 5;

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Listeners listeners() {
		return new Listeners();
	}

	/**
	 * A configurer of the application's own: its converter must still apply next to
	 * redisboot's.
	 */
	@Bean
	RedisListenerConfigurer shoutConfigurer() {
		return new RedisListenerConfigurer() {

			@Override
			public void configureMessageConverters(RedisMessageConverters.Builder builder) {
				builder.addCustomConverter(new ShoutConverter());
			}

		};
	}

	record Order(String id, int quantity) {
	}

	record Shipment(String orderId, String carrier) {
	}

	record Shout(String text) {
	}

	record Entry(String channel, String text) {
	}

	static class Listeners {

		final Queue<Order> orders = new ConcurrentLinkedQueue<>();

		final Queue<Entry> audit = new ConcurrentLinkedQueue<>();

		final Queue<String> flaky = new ConcurrentLinkedQueue<>();

		final Queue<Shipment> shipments = new ConcurrentLinkedQueue<>();

		final Queue<String> shipmentJson = new ConcurrentLinkedQueue<>();

		final Queue<Shout> shouts = new ConcurrentLinkedQueue<>();

		final Queue<byte[]> raw = new ConcurrentLinkedQueue<>();

		@RedisListener("orders")
		void onOrder(Order order) {
			this.orders.add(order);
		}

		@RedisListener("audit:*")
		void onAudit(String text, @Header(PubSubHeaders.CHANNEL) String channel) {
			this.audit.add(new Entry(channel, text));
		}

		@RedisListener("flaky")
		void onFlaky(String text) {
			if (text.equals("boom")) {
				throw new IllegalStateException("boom on purpose");
			}
			this.flaky.add(text);
		}

		@RedisListener("shipments")
		void onShipment(Shipment shipment) {
			this.shipments.add(shipment);
		}

		@RedisListener("shipments")
		void onShipmentText(String json) {
			this.shipmentJson.add(json);
		}

		@RedisListener("shouts")
		void onShout(Shout shout) {
			this.shouts.add(shout);
		}

		@RedisListener("raw")
		void onRaw(byte[] body) {
			this.raw.add(body);
		}

	}

	/**
	 * Reads any text as a {@link Shout} in capitals; Jackson could not read it at all.
	 */
	static class ShoutConverter extends AbstractMessageConverter {

		@Override
		protected boolean supports(Class<?> clazz) {
			return Shout.class == clazz;
		}

		@Override
		protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
			return new Shout(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8).toUpperCase());
		}

		@Override
		protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
			throw new UnsupportedOperationException();
		}

	}

}
