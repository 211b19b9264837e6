package dev.redisboot.core.redis;

import java.util.Map;
import java.util.WeakHashMap;

import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

/**
 * Remembers why Lettuce last failed to reconnect. While a connection reconnects, commands
 * wait in its queue and time out without a cause; this keeps the cause (a {@code WRONGPASS}
 * reply after a password change, a refused connection) so that health details and warnings
 * can say "did not answer within 2 s; reconnecting fails: WRONGPASS ..." instead of a bare
 * timeout. One instance per Lettuce {@link ClientResources}, listening to its event bus.
 */
public final class RedisConnectionEvents {

	private static final Map<ClientResources, RedisConnectionEvents> instances = new WeakHashMap<>();

	private volatile @Nullable RedisFailureCause lastReconnectFailure;

	private RedisConnectionEvents(ClientResources resources) {
		resources.eventBus().get().subscribe((event) -> {
			if (event instanceof ReconnectFailedEvent failed) {
				this.lastReconnectFailure = RedisFailureCause.of(failed.getCause());
			}
			else if (event instanceof ConnectionActivatedEvent) {
				this.lastReconnectFailure = null;
			}
		});
	}

	/**
	 * The events of the given client resources, listening from the first call on.
	 * @param resources the client resources, or {@code null} if not known yet
	 * @return the events, or {@code null} without resources
	 */
	public static @Nullable RedisConnectionEvents of(@Nullable ClientResources resources) {
		if (resources == null) {
			return null;
		}
		synchronized (instances) {
			return instances.computeIfAbsent(resources, RedisConnectionEvents::new);
		}
	}

	/**
	 * Why the last reconnect attempt failed, cleared once a connection is active again.
	 * @return the cause, or {@code null} when no reconnect is failing
	 */
	public @Nullable RedisFailureCause lastReconnectFailure() {
		return this.lastReconnectFailure;
	}

	/**
	 * Explains a timeout with the reconnect failure, if one is known.
	 * @param resources the client resources, or {@code null}
	 * @param message the timeout's message
	 * @return the message, followed by the reconnect failure when there is one
	 */
	public static String explainTimeout(@Nullable ClientResources resources, String message) {
		RedisConnectionEvents events = of(resources);
		RedisFailureCause cause = (events != null) ? events.lastReconnectFailure() : null;
		return (cause != null) ? message + "; reconnecting fails: " + cause.message() : message;
	}

}
