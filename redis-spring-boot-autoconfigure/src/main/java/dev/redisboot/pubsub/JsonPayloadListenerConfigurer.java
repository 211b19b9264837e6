package dev.redisboot.pubsub;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.data.redis.config.RedisListenerConfigurer;
import org.springframework.data.redis.serializer.RedisMessageConverters;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;

/**
 * Makes {@code @RedisListener} methods read JSON payloads with the given Jackson mapper
 * (the application's {@code JsonMapper}), the one the {@link RedisPublisher} writes with,
 * instead of Spring Data Redis's own. A payload is read as the method's declared parameter
 * type; no type ids are read from the payload, so no class named by a sender is ever
 * instantiated.
 * <p>
 * {@code String} parameters still get the payload as text and {@code byte[]} parameters its
 * bytes. Ordered last, so that converters added by the application's own
 * {@link RedisListenerConfigurer}s come first.
 *
 * @author redisboot
 */
public final class JsonPayloadListenerConfigurer implements RedisListenerConfigurer, Ordered {

	private final JsonMapper jsonMapper;

	/**
	 * Creates the configurer.
	 * @param jsonMapper the mapper that reads payloads
	 */
	public JsonPayloadListenerConfigurer(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void configureMessageConverters(RedisMessageConverters.Builder builder) {
		// custom converters come after the String converter and before Spring Data Redis's defaults
		builder.addCustomConverter(new JacksonJsonMessageConverter(this.jsonMapper));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
