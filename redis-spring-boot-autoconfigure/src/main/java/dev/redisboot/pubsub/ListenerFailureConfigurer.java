package dev.redisboot.pubsub;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.data.redis.config.RedisListenerConfigurer;
import org.springframework.data.redis.config.RedisListenerEndpointRegistrar;
import org.springframework.data.redis.listener.Topic;
import org.springframework.data.redis.listener.support.PubSubHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.ClassUtils;

/**
 * Wraps every {@code @RedisListener} method so that a message it handles is counted as
 * {@code received}, and one it fails on (it throws, or the payload cannot be converted) goes
 * to the {@link ListenerErrorHandler} instead of Spring Data Redis's ERROR log. Either way
 * the subscription goes on.
 * <p>
 * Messages are counted under the listener's declared topic, never the concrete channel of a
 * pattern listener, so the number of series stays bounded.
 * <p>
 * The wrapped methods are made by the registrar's own default factory, so the converters,
 * argument resolvers and validator of every {@link RedisListenerConfigurer} still apply.
 * Ordered first: a configurer of the application that sets a
 * {@code MessageHandlerMethodFactory} of its own replaces this one.
 *
 * @author redisboot
 */
public final class ListenerFailureConfigurer implements RedisListenerConfigurer, Ordered {

	private final ListenerErrorHandler errorHandler;

	private final PubSubMetrics metrics;

	/**
	 * Creates the configurer.
	 * @param errorHandler where failures go
	 * @param metrics where handled messages are counted
	 */
	public ListenerFailureConfigurer(ListenerErrorHandler errorHandler, PubSubMetrics metrics) {
		this.errorHandler = errorHandler;
		this.metrics = metrics;
	}

	@Override
	public void configureRedisListeners(RedisListenerEndpointRegistrar registrar) {
		registrar.setMessageHandlerMethodFactory(new FailureHandlingMethodFactory(registrar));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	static String topic(Message<?> message) {
		// the container passes a channel listener's channel as its "pattern" too
		Object topic = message.getHeaders().get(PubSubHeaders.PATTERN);
		if (topic == null) {
			topic = message.getHeaders().get(PubSubHeaders.CHANNEL);
		}
		if (topic == null) {
			return ListenerErrorHandler.UNKNOWN_CHANNEL;
		}
		return (topic instanceof Topic t) ? t.getTopic() : topic.toString();
	}

	/**
	 * Wraps the methods that the registrar's default factory makes. That factory is built
	 * from every configurer's settings once all have been applied, and the registrar builds
	 * it only while no factory is set, so it is obtained on first use with this one set
	 * aside for a moment.
	 */
	private final class FailureHandlingMethodFactory implements MessageHandlerMethodFactory {

		private final RedisListenerEndpointRegistrar registrar;

		private @Nullable MessageHandlerMethodFactory delegate;

		FailureHandlingMethodFactory(RedisListenerEndpointRegistrar registrar) {
			this.registrar = registrar;
		}

		@Override
		public InvocableHandlerMethod createInvocableHandlerMethod(Object bean, Method method) {
			return new FailureHandlingMethod(delegate().createInvocableHandlerMethod(bean, method),
					ClassUtils.getQualifiedMethodName(method, ClassUtils.getUserClass(bean)));
		}

		private synchronized MessageHandlerMethodFactory delegate() {
			MessageHandlerMethodFactory delegate = this.delegate;
			if (delegate == null) {
				this.registrar.setMessageHandlerMethodFactory(null);
				try {
					delegate = this.registrar.getMessageHandlerMethodFactory();
				}
				finally {
					this.registrar.setMessageHandlerMethodFactory(this);
				}
				this.delegate = delegate;
			}
			return delegate;
		}

	}

	/**
	 * A listener method that reports instead of throwing.
	 */
	private final class FailureHandlingMethod extends InvocableHandlerMethod {

		private final InvocableHandlerMethod target;

		private final String description;

		FailureHandlingMethod(InvocableHandlerMethod target, String description) {
			super(target);
			this.target = target;
			this.description = description;
		}

		@Override
		public @Nullable Object invoke(Message<?> message, @Nullable Object... providedArgs) throws Exception {
			String topic = topic(message);
			try {
				Object result = this.target.invoke(message, providedArgs);
				ListenerFailureConfigurer.this.metrics.received(topic);
				return result;
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				ListenerFailureConfigurer.this.errorHandler.listenerFailed(topic, this.description, ex);
				return null; // return values of listener methods are ignored anyway
			}
		}

	}

}
