package dev.redisboot.sample.notification;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The browsers connected to this instance's notification stream, each an {@link SseEmitter}
 * (an open response), and the fan-out of notifications to them.
 * <p>
 * An emitter is dropped when its response completes, times out or fails, and when a write to
 * it fails: the Servlet API does not tell when a browser goes away, so a browser that left is
 * noticed at the latest by the next keep-alive comment ({@code sample.notifications.keep-alive}).
 * At most {@code sample.notifications.max-subscribers} browsers are connected at once; each
 * holds a connection (no thread) for as long as it stays.
 * <p>
 * A {@link SmartLifecycle} of the last phase, so that on shutdown it ends every stream
 * before the web server waits for the requests in progress to finish (graceful shutdown):
 * otherwise every open stream would hold the shutdown up for its whole timeout. The browsers
 * connect again, to another instance.
 *
 * @author redisboot
 */
@Component
public class NotificationHub implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NotificationHub.class);

	/**
	 * How long a browser waits before it connects again after the stream ended (the SSE
	 * {@code retry} field).
	 */
	private static final long RECONNECT_MILLIS = 3000;

	private final NotificationProperties properties;

	private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

	private final Object lock = new Object();

	private volatile boolean running;

	private @Nullable ScheduledExecutorService keepAlive;

	public NotificationHub(NotificationProperties properties) {
		this.properties = properties;
	}

	/**
	 * A new stream for one browser, already registered: every notification received from now
	 * on is sent to it. Its first lines are the {@code retry} time and a {@code :connected}
	 * comment.
	 * @return the emitter, to return from the controller
	 * @throws NotificationsUnavailableException (503) when this instance has as many streams
	 * as it takes, or is starting or shutting down
	 */
	public SseEmitter subscribe() {
		SseEmitter emitter = new SseEmitter(this.properties.timeout().toMillis());
		synchronized (this.lock) {
			if (!this.running) {
				throw new NotificationsUnavailableException("This instance is starting or shutting down; connect again");
			}
			if (this.emitters.size() >= this.properties.maxSubscribers()) {
				throw new NotificationsUnavailableException(
						"This instance streams to " + this.properties.maxSubscribers() + " clients already");
			}
			this.emitters.add(emitter);
		}
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(emitter::complete); // ends the response; the browser connects again
		emitter.onError((ex) -> this.emitters.remove(emitter));
		// Sent as soon as the response starts: tells the client that it is registered
		send(emitter, SseEmitter.event().reconnectTime(RECONNECT_MILLIS).comment("connected"));
		return emitter;
	}

	/**
	 * Sends a notification to every browser connected to this instance, as an event named
	 * {@code notification} with the notification as JSON.
	 * <p>
	 * Writes one stream after the other on the calling thread: a browser that does not read
	 * holds the others up until its write times out. Good enough for a demo; a busy service
	 * would hand each stream its own queue.
	 * @param notification the notification
	 */
	public void broadcast(Notification notification) {
		for (SseEmitter emitter : this.emitters) {
			// a builder per emitter: building an event consumes the builder
			send(emitter, SseEmitter.event()
				.id(notification.id())
				.name("notification")
				.data(notification, MediaType.APPLICATION_JSON));
		}
	}

	/**
	 * Sends a comment line to every stream, which keeps idle connections open through proxies
	 * and drops the streams of browsers that went away (their writes fail). Runs every
	 * {@code sample.notifications.keep-alive}.
	 */
	public void keepAlive() {
		for (SseEmitter emitter : this.emitters) {
			send(emitter, SseEmitter.event().comment("keep-alive"));
		}
	}

	/**
	 * How many browsers are connected to this instance.
	 * @return the number of open streams
	 */
	public int subscribers() {
		return this.emitters.size();
	}

	private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			// The browser went away (IOException), or the stream completed meanwhile. Spring MVC
			// learns of the failure too and completes the response; no completeWithError needed.
			this.emitters.remove(emitter);
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped a notification stream: " + ex);
			}
		}
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			long period = this.properties.keepAlive().toMillis();
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "notifications-keep-alive");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.scheduleAtFixedRate(this::keepAliveQuietly, period, period, TimeUnit.MILLISECONDS);
			this.keepAlive = scheduler;
			this.running = true;
		}
	}

	private void keepAliveQuietly() {
		try {
			keepAlive();
		}
		catch (RuntimeException ex) {
			logger.warn("Keep-alive of the notification streams failed", ex); // and runs again next time
		}
	}

	/**
	 * Ends every stream and takes no more.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler;
		synchronized (this.lock) {
			this.running = false;
			scheduler = this.keepAlive;
			this.keepAlive = null;
		}
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
		for (SseEmitter emitter : this.emitters) {
			emitter.complete();
		}
		this.emitters.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
