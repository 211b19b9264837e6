package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

import dev.redisboot.pubsub.PubSubTestApplication.Entry;
import dev.redisboot.pubsub.PubSubTestApplication.Listeners;
import dev.redisboot.pubsub.PubSubTestApplication.Order;
import dev.redisboot.pubsub.PubSubTestApplication.Shipment;
import dev.redisboot.pubsub.PubSubTestApplication.Shout;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub on real Redis, run on each topology by the subclasses: JSON records, the typed
 * publisher, pattern listeners and their metrics, and failures that end neither the
 * subscription nor the application's patience with its log.
 */
@SpringBootTest(classes = PubSubTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "redisboot.cache.enabled=false", "spring.jackson.property-naming-strategy=SNAKE_CASE" })
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractPubSubIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	RedisPublisher publisher;

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	@Autowired
	RedisMessageListenerContainer container;

	protected abstract RedisDeployment redis();

	/**
	 * Messages published before the container's connection has subscribed are lost, as
	 * pub/sub promises no more: wait until Redis lists the subscriptions.
	 */
	@BeforeEach
	void awaitSubscriptions() {
		awaitSubscribed(PubSubTestApplication.CHANNELS);
	}

	@Test
	void aRecordPublishedAsJsonIsReceivedWithItsFields() {
		double published = count("orders", "published");
		double received = count("orders", "received");
		this.publisher.publish("orders", new Order("o-1", 3));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.orders).contains(new Order("o-1", 3)));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(count("orders", "received")).isEqualTo(received + 1));
		assertThat(count("orders", "published")).isEqualTo(published + 1);
	}

	@Test
	void aChannelPublisherPublishesItsType() {
		ChannelPublisher<Order> orders = this.publisher.channel("orders", Order.class);
		orders.publish(new Order("o-2", 5));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.orders).contains(new Order("o-2", 5)));
	}

	@Test
	void aPatternListenerGetsEveryMatchingChannelAndIsCountedUnderItsPattern() {
		double received = count("audit:*", "received");
		this.publisher.publish("audit:login", "ada signed in");
		this.publisher.publish("audit:logout", "ada signed out");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.listeners.audit).contains(new Entry("audit:login", "ada signed in"),
					new Entry("audit:logout", "ada signed out")));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(count("audit:*", "received")).isEqualTo(received + 2));
		assertThat(this.registry.find("redisboot.pubsub.messages").tag("result", "received").counters())
			.as("never a series per concrete channel of a pattern")
			.noneMatch((counter) -> counter.getId().getTag("channel").startsWith("audit:l"));
		assertThat(count("audit:login", "published")).as("the publisher counts the channel it published to")
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	void aThrowingListenerIsCountedLoggedOnceAndKeepsItsSubscription(CapturedOutput output) {
		double failed = count("flaky", "failed");
		this.publisher.publish("flaky", "boom");
		this.publisher.publish("flaky", "boom");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(count("flaky", "failed")).isEqualTo(failed + 2));
		this.publisher.publish("flaky", "after the failures");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.flaky).contains("after the failures"));
		String warning = "Redis listener dev.redisboot.pubsub.PubSubTestApplication$Listeners.onFlaky failed on a "
				+ "message on topic 'flaky'";
		assertThat(output.getOut().split(Pattern.quote(warning), -1)).as("logged once").hasSize(2);
		assertThat(output.getOut()).contains("WARN").contains("boom on purpose")
			.doesNotContain("Failed to invoke Redis listener method");
	}

	@Test
	void anUnreadablePayloadIsCountedWithoutLoggingItAndTheNextMessageIsReceived(CapturedOutput output) {
		double failed = count("orders", "failed");
		this.publisher.publish("orders", "not json");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(count("orders", "failed")).isEqualTo(failed + 1));
		this.publisher.publish("orders", new Order("o-3", 1));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.orders).contains(new Order("o-3", 1)));
		assertThat(output.getOut()).contains("could not read a message on topic 'orders'")
			.doesNotContain("not json")
			.doesNotContain("Failed to invoke Redis listener method");
	}

	@Test
	void payloadsAreWrittenAndReadWithTheApplicationsJsonMapper() {
		// spring.jackson.property-naming-strategy=SNAKE_CASE applies to both sides
		this.publisher.publish("shipments", new Shipment("o-4", "ups"));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.listeners.shipments).contains(new Shipment("o-4", "ups")));
		assertThat(this.listeners.shipmentJson).as("a String parameter gets the text as sent")
			.contains("{\"order_id\":\"o-4\",\"carrier\":\"ups\"}");
		this.publisher.publish("shipments", "{\"order_id\":\"o-5\",\"carrier\":\"dhl\"}");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.listeners.shipments).contains(new Shipment("o-5", "dhl")));
	}

	@Test
	void bytesAreSentAndReceivedAsTheyAre() {
		byte[] body = { 0, (byte) 0xff, 42, '{' };
		this.publisher.publish("raw", body);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.raw).contains(body));
	}

	@Test
	void convertersOfTheApplicationsOwnConfigurerStillApply() {
		this.publisher.publish("shouts", "hello");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.listeners.shouts).contains(new Shout("HELLO")));
	}

	@Test
	void aFailingPlainMessageListenerIsCountedAndKeepsItsSubscription(CapturedOutput output) {
		Queue<String> received = new ConcurrentLinkedQueue<>();
		MessageListener plain = (message, pattern) -> {
			String text = new String(message.getBody(), StandardCharsets.UTF_8);
			if (text.equals("boom")) {
				throw new IllegalStateException("plain boom");
			}
			received.add(text);
		};
		this.container.addMessageListener(plain, ChannelTopic.of("plain"));
		try {
			awaitSubscribed(PubSubTestApplication.CHANNELS + 1);
			double failed = count(ListenerErrorHandler.UNKNOWN_CHANNEL, "failed");
			this.publisher.publish("plain", "boom");
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(count(ListenerErrorHandler.UNKNOWN_CHANNEL, "failed"))
					.isEqualTo(failed + 1));
			this.publisher.publish("plain", "still subscribed");
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).contains("still subscribed"));
			assertThat(output.getOut()).contains("A Redis pub/sub MessageListener failed on a message")
				.contains("plain boom")
				.doesNotContain("no ErrorHandler has been set");
		}
		finally {
			this.container.removeMessageListener(plain);
		}
	}

	protected double count(String channel, String result) {
		Counter counter = this.registry.find("redisboot.pubsub.messages")
			.tag("channel", channel)
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * Waits until one client, the container's connection, is subscribed to at least the given
	 * number of channels and to a pattern.
	 */
	private void awaitSubscribed(int channels) {
		await().atMost(TIMEOUT)
			.until(() -> redis().nodes()
				.stream()
				.filter(RedisNode::isRunning)
				.flatMap((node) -> String.valueOf(node.execute("CLIENT", "LIST")).lines())
				.anyMatch((client) -> field(client, "sub") >= channels && field(client, "psub") >= 1));
	}

	private static long field(String client, String name) {
		for (String field : client.split(" ")) {
			if (field.startsWith(name + "=")) {
				return Long.parseLong(field.substring(name.length() + 1));
			}
		}
		return 0;
	}

}
