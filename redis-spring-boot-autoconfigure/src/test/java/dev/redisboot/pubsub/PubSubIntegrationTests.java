package dev.redisboot.pubsub;

import dev.redisboot.pubsub.PubSubTestApplication.Order;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/sub on a standalone Redis: besides the shared tests, what {@code publish} returns.
 */
@WithRedis
class PubSubIntegrationTests extends AbstractPubSubIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void publishReturnsTheNumberOfReceiversAndEveryPublishIsCounted() {
		double published = count("orders", "published");
		double nowhere = count("nowhere", "published");
		assertThat(this.publisher.publish("orders", new Order("o-9", 1))).as("this application's one listener")
			.isEqualTo(1);
		assertThat(this.publisher.publish("nowhere", new Order("o-10", 1))).isZero();
		assertThat(count("orders", "published")).isEqualTo(published + 1);
		assertThat(count("nowhere", "published")).isEqualTo(nowhere + 1);
	}

}
