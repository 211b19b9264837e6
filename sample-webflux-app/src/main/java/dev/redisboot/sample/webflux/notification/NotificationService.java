package dev.redisboot.sample.webflux.notification;

import java.time.Instant;
import java.util.UUID;

import dev.redisboot.pubsub.ChannelPublisher;
import dev.redisboot.pubsub.RedisPublisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.annotation.RedisListener;
import org.springframework.stereotype.Service;

/**
 * Notifications to every browser connected to any instance: published on a Redis pub/sub
 * channel with {@link RedisPublisher}, received by every instance's {@code @RedisListener}, and
 * multicast to that instance's open streams.
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

	// Streams that fall behind lose the oldest notifications, never block the listener
	private final Sinks.Many<Notification> sink = Sinks.many().multicast().directBestEffort();

	NotificationService(RedisPublisher publisher) {
		this.channel = publisher.channel(CHANNEL, Notification.class);
	}

	/**
	 * Publishes a notification to every instance. Publishing waits for Redis (and a random
	 * UUID may read {@code /dev/urandom}), so it runs on the bounded elastic scheduler.
	 * @param message the text
	 * @param level the level
	 * @return the notification, once published
	 */
	public Mono<Notification> publish(String message, String level) {
		return Mono.fromCallable(() -> {
			Notification notification = new Notification(UUID.randomUUID().toString(), message, level, Instant.now());
			this.channel.publish(notification);
			return notification;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The notifications published from now on, by any instance.
	 * @return the notifications
	 */
	public Flux<Notification> stream() {
		return this.sink.asFlux();
	}

	@RedisListener(CHANNEL)
	void onNotification(Notification notification) {
		synchronized (this.sink) { // the container may call this for several messages at once
			this.sink.tryEmitNext(notification);
		}
	}

}
