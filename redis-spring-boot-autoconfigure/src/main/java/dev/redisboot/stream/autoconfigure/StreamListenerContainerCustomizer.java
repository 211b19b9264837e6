package dev.redisboot.stream.autoconfigure;

import dev.redisboot.stream.StreamListenerContainer;

/**
 * Callback to customize the auto-configured {@link StreamListenerContainer} before it
 * starts: register handlers of the application's own (subscriptions that no annotated
 * method describes), or supply the consumers' threads. Every bean of this type is applied,
 * in {@link org.springframework.core.annotation.Order @Order} /
 * {@link org.springframework.core.Ordered Ordered} order, when the container is created;
 * {@code @RedisStreamListener} and {@code @JobHandler} methods are registered after them.
 *
 * <pre class="code">
 * &#064;Bean
 * StreamListenerContainerCustomizer auditTrail(AuditLog log) {
 *     return (container) -&gt; container.register(new StreamSubscription("audit", "audit", "auditors", 1,
 *             container.getDefaultSettings(), (fields, delivery) -&gt; log.append(fields.get("payload"))));
 * }
 * </pre>
 *
 * @author redisboot
 */
@FunctionalInterface
public interface StreamListenerContainerCustomizer {

	/**
	 * Customizes the container.
	 * @param container the container, not yet started
	 */
	void customize(StreamListenerContainer container);

}
