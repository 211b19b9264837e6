package dev.redisboot.pubsub;

import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.util.ErrorHandler;

/**
 * What happens when a pub/sub listener fails on a message: the failure is counted as
 * {@code failed}, logged at WARN the first time per topic and kind of exception (at DEBUG
 * after that), and the message is dropped. The exception never reaches the listener
 * container, so the subscription goes on with the next message.
 * <p>
 * {@code @RedisListener} methods report here through redisboot's handler method wrapper,
 * with their topic. As an {@link ErrorHandler} it also serves the listener container that
 * Spring Boot auto-configures, for plain {@code MessageListener}s; the container does not
 * say which channel failed, so those are counted as channel {@code unknown}. Set it on a
 * container of your own with {@code setErrorHandler}.
 * <p>
 * Payloads are never logged: a payload that cannot be converted is reported by the type of
 * the failure only, since conversion messages quote the payload.
 *
 * @author redisboot
 */
public final class ListenerErrorHandler implements ErrorHandler {

	/**
	 * Channel tag of failures of plain {@code MessageListener}s.
	 */
	public static final String UNKNOWN_CHANNEL = "unknown";

	private static final Log logger = LogFactory.getLog(ListenerErrorHandler.class);

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final PubSubMetrics metrics;

	/**
	 * Creates the error handler.
	 * @param metrics where failures are counted
	 */
	public ListenerErrorHandler(PubSubMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * A {@code @RedisListener} method failed on a message.
	 * @param topic the listener's topic: its channel, or its pattern
	 * @param listener the listener method, for the log
	 * @param failure what it threw, or why its arguments could not be resolved
	 */
	public void listenerFailed(String topic, String listener, Throwable failure) {
		this.metrics.failed(topic);
		String problem = topic + '\n' + failure.getClass().getName();
		if (isConversionFailure(failure)) {
			Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
			this.warnOnce.warn(problem, "Redis listener " + listener + " could not read a message on topic '" + topic
					+ "' as its parameter type (" + failure.getClass().getSimpleName()
					+ ((root != failure) ? ", caused by " + root.getClass().getSimpleName() : "")
					+ "); the message was dropped, the subscription continues. Payloads are not logged", null);
		}
		else {
			this.warnOnce.warn(problem, "Redis listener " + listener + " failed on a message on topic '" + topic
					+ "'; the message was dropped, the subscription continues", failure);
		}
	}

	/**
	 * A plain {@code MessageListener} of a listener container failed on a message.
	 * @param failure what it threw
	 */
	@Override
	public void handleError(Throwable failure) {
		this.metrics.failed(UNKNOWN_CHANNEL);
		this.warnOnce.warn("\n" + failure.getClass().getName(),
				"A Redis pub/sub MessageListener failed on a message; the message was dropped, the subscription continues",
				failure);
	}

	private static boolean isConversionFailure(Throwable failure) {
		return failure instanceof MessageConversionException || failure instanceof MethodArgumentResolutionException;
	}

}
