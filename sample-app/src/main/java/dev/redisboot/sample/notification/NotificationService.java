package dev.redisboot.sample.notification;

import java.time.Instant;
import java.util.UUID;

import dev.redisboot.pubsub.ChannelPublisher;
import dev.redisboot.pubsub.RedisPublisher;

import org.springframework.data.redis.annotation.RedisListener;
import org.springframework.stereotype.Service;

/**
 * Publishes notifications on the pub/sub channel {@value #CHANNEL} and hands those it
 * receives, from any instance this one included, to the browsers connected here
 * ({@link NotificationHub}).
 * <p>
 * The channel is not a key, so {@code redisboot.key-prefix} does not apply to it: it is
 * named in full, here and in {@code @RedisListener}. Every application on the same Redis that
 * listens to it gets the notifications.
 *
 * @author redisboot
 */
@Service
public class NotificationService {

	/**
	 * The pub/sub channel of notifications.
	 */
	public static final String CHANNEL = "sample:notifications";

	private final ChannelPublisher<Notification> channel;

	private final NotificationHub hub;

	NotificationService(RedisPublisher publisher, NotificationHub hub) {
		this.channel = publisher.channel(CHANNEL, Notification.class);
		this.hub = hub;
	}

	/**
	 * Publishes a notification to every instance, and so to every connected browser.
	 * @param message the text
	 * @param level the level
	 * @return the notification, with its id and time
	 */
	public Notification publish(String message, String level) {
		Notification notification = new Notification(UUID.randomUUID().toString(), message, level, Instant.now());
		this.channel.publish(notification); // JSON, with the application's JsonMapper
		return notification;
	}

	/**
	 * Called on every instance for every notification published by any of them: the JSON
	 * payload is read as a {@link Notification} with the application's JsonMapper. The
	 * container calls this on a thread of its own for each message, possibly for several
	 * messages at once.
	 * @param notification the notification
	 */
	@RedisListener(CHANNEL)
	void onNotification(Notification notification) {
		this.hub.broadcast(notification);
	}

}
