package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.serializer.SerializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How {@link RedisPublisher} turns payloads into message bodies; no Redis is contacted.
 */
class RedisPublisherTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void textIsSentAsUtf8AndBytesAsTheyAre() {
		assertThat(RedisPublisher.encode("grüße", this.mapper.writer()))
			.isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
		byte[] bytes = { 1, 2, 3 };
		assertThat(RedisPublisher.encode(bytes, this.mapper.writer())).isSameAs(bytes);
	}

	@Test
	void objectsAreSentAsJsonWithoutTypeIds() {
		assertThat(new String(RedisPublisher.encode(new Item("a", 2), this.mapper.writer()), StandardCharsets.UTF_8))
			.isEqualTo("{\"name\":\"a\",\"count\":2}");
	}

	@Test
	void aPayloadJacksonCannotWriteFailsBeforeAnythingIsSent() {
		assertThatExceptionOfType(SerializationException.class)
			.isThrownBy(() -> RedisPublisher.encode(new Unwritable(), this.mapper.writer()))
			.withMessageContaining(Unwritable.class.getName());
	}

	record Item(String name, int count) {
	}

	static class Unwritable {

		public String getName() {
			throw new IllegalStateException("no name");
		}

	}

}
