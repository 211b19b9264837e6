package dev.redisboot.core.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisAccessException;
import dev.redisboot.core.redis.RedisAccessProbe;
import dev.redisboot.core.redis.RedisAccessProbe.RedisAccess;
import dev.redisboot.core.redis.RedisConnectionEvents;
import dev.redisboot.core.redis.RedisFailureCause;
import dev.redisboot.core.redis.RedisServerConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Checks Redis once every bean exists and before listener containers start: that it can be
 * reached and logged into, and what the connection's ACL user may do. A misconfiguration
 * (wrong or missing credentials, TLS mismatch, no key rights under the prefix, no channel
 * rights where a feature publishes or subscribes) fails startup with a
 * {@link RedisAccessException}; an unreachable Redis only logs a warning unless
 * {@code redisboot.connection.require-at-startup} is set; commands that monitoring uses but
 * the user may not run are named in one warning with the ACL rules that grant them.
 * <p>
 * When Redis is unreachable at startup, Spring Data's pub/sub listener containers, whose start
 * would fail the application, start once Redis answers {@code PING}.
 */
final class RedisStartupCheck implements SmartInitializingSingleton, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisStartupCheck.class);

	private static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);

	private final LettuceConnectionFactory connectionFactory;

	private final RedisKeyNamer keyNamer;

	private final ObjectProvider<RedisUsage> usages;

	private final RedisbootProperties.Connection properties;

	private final ObjectProvider<RedisMessageListenerContainer> listenerContainers;

	private final Supplier<Stream<RedisServerConnection>> separateServers;

	private volatile @Nullable ScheduledExecutorService deferredStart;

	RedisStartupCheck(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			ObjectProvider<RedisUsage> usages, RedisbootProperties.Connection properties,
			ObjectProvider<RedisMessageListenerContainer> listenerContainers) {
		this(connectionFactory, keyNamer, usages, properties, listenerContainers, null);
	}

	RedisStartupCheck(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			ObjectProvider<RedisUsage> usages, RedisbootProperties.Connection properties,
			ObjectProvider<RedisMessageListenerContainer> listenerContainers,
			@Nullable ObjectProvider<RedisServerConnection> separateServers) {
		this.separateServers = (separateServers != null) ? separateServers::orderedStream : Stream::empty;
		this.connectionFactory = connectionFactory;
		this.keyNamer = keyNamer;
		this.usages = usages;
		this.properties = properties;
		this.listenerContainers = listenerContainers;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// listen from now on, so that a later reconnect failure is known by its cause
		RedisConnectionEvents.of(this.connectionFactory.getClientResources());
		if (!this.properties.isCheckAtStartup()) {
			return;
		}
		boolean reachable = checkServer(this.connectionFactory, RedisConnectionTarget.of(this.connectionFactory),
				RedisServerConnection.DEFAULT_SERVER, this.keyNamer.key("redisboot", "access-probe"));
		if (!reachable) {
			deferListenerContainers();
		}
		// each separate Redis (redisboot.cache.redis.*) the same way, its messages naming its own properties
		this.separateServers.get()
			.forEach((server) -> checkServer(server.connectionFactory(),
					RedisConnectionTarget.of(server.connectionFactory())
						.asServer(server.propertyPrefix(), server.name()),
					server.name(), this.keyNamer.key(server.name(), "redisboot", "access-probe")));
	}

	/**
	 * Checks one server. A separate server is probed under the key family it holds (the
	 * caches' Redis: {@code [prefix:]cache:redisboot:access-probe}), so that a user limited
	 * to that family ({@code ~prefix:cache* &prefix:cache*}) passes.
	 * @return whether it could be reached
	 */
	private boolean checkServer(LettuceConnectionFactory factory, RedisConnectionTarget target, String server,
			String probeName) {
		Duration timeout = factory.getClientConfiguration().getCommandTimeout();
		if (timeout.compareTo(MAX_TIMEOUT) > 0) {
			timeout = MAX_TIMEOUT;
		}
		RedisAccessProbe probe = new RedisAccessProbe(new LettuceCommands(factory, timeout), probeName);
		// the usages of each server only: channels on the caches' Redis are tested there
		String channelUsers = String.join(", ", this.usages.orderedStream()
			.filter((usage) -> usage.channels() && server.equals(usage.server()))
			.map(RedisUsage::description)
			.toList());
		RedisAccess access = probe.probe(!channelUsers.isEmpty());
		return check(access, target, probe.probeName(), channelUsers);
	}

	/**
	 * Spring Data's pub/sub listener container fails the application's start when it cannot
	 * subscribe; while Redis is unreachable at startup its start waits until Redis answers.
	 */
	private void deferListenerContainers() {
		List<RedisMessageListenerContainer> deferred = this.listenerContainers.orderedStream()
			.filter(RedisMessageListenerContainer::isAutoStartup)
			.toList();
		if (deferred.isEmpty()) {
			return;
		}
		deferred.forEach((container) -> container.setAutoStartup(false));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redisboot-deferred-start");
			thread.setDaemon(true);
			return thread;
		});
		this.deferredStart = scheduler;
		LettuceCommands commands = new LettuceCommands(this.connectionFactory, MAX_TIMEOUT);
		long delay = this.properties.getMaxReconnectDelay().toMillis();
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				commands.execute(RedisClusterAsyncCommands::ping);
			}
			catch (RuntimeException ex) {
				return; // still down: try again
			}
			for (RedisMessageListenerContainer container : deferred) {
				if (!container.isRunning()) {
					container.start();
				}
			}
			logger.info("Redis answers: started " + deferred.size() + " pub/sub listener container(s)");
			scheduler.shutdown();
		}, delay, delay, TimeUnit.MILLISECONDS);
	}

	@Override
	public void destroy() {
		ScheduledExecutorService scheduler = this.deferredStart;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	/**
	 * Judges what the probe found.
	 * @return whether the server could be reached
	 */
	private boolean check(RedisAccess access, RedisConnectionTarget target, String probeName, String channelUsers) {
		RedisFailureCause failure = (access.connectionFailure() != null) ? target.refine(access.connectionFailure())
				: null;
		if (failure != null) {
			if (failure.isMisconfiguration() || this.properties.isRequireAtStartup()) {
				throw new RedisAccessException(target.describe(failure), target.action(failure));
			}
			logger.warn(target.describe(failure) + ". Starting anyway: " + ((target.server() != null)
					? "the caches degrade as during an outage (their methods answer from their loaders)"
					: "caches, rate limits, sessions and jobs degrade as during an outage")
					+ " until Redis answers (redisboot.connection.require-at-startup=true fails startup instead). "
					+ target.action(failure));
			return false;
		}
		String user = "The Redis user '" + target.user() + "'"
				+ ((target.server() != null) ? " of the " + target.server() + " Redis (" + target.propertyPrefix()
						+ ".username)" : "");
		String pattern = (target.server() != null)
				? this.keyNamer.prefix().map((prefix) -> prefix + ":").orElse("") + target.server() + "*"
				: this.keyNamer.prefix().map((prefix) -> prefix + ":*").orElse("*");
		if (access.keysRefused() != null) {
			throw new RedisAccessException(user + " may not use keys under the key"
					+ " prefix (EXISTS " + probeName + " answered: " + access.keysRefused() + ").",
					"Grant the user the keys redisboot writes, for example ACL SETUSER " + target.user() + " ~"
							+ pattern + " (or set redisboot.key-prefix to the prefix the user's key pattern allows).");
		}
		if (access.channelsRefused() != null) {
			throw new RedisAccessException(user + " may not use pub/sub channels"
					+ " under the key prefix (PUBLISH " + probeName + " answered: " + access.channelsRefused()
					+ "), which " + channelUsers + " need.",
					"Grant the user the channels, for example ACL SETUSER " + target.user() + " &" + pattern
							+ ", or switch off the features that use channels.");
		}
		Map<String, String> refused = access.monitoringRefused();
		if (!refused.isEmpty()) {
			logger.warn(user + " may not run " + String.join(", ", refused.values())
					.replace("NOPERM this user has no permissions to run the ", "") + ": Redis works, but health"
					+ " shows no server details, server metrics report redis_info_readable 0, and the redis endpoint"
					+ " cannot check its advice or read the slow log. To grant them: ACL SETUSER " + target.user()
					+ " " + String.join(" ", refused.keySet()).replace("+slowlog|get", "+slowlog|get +slowlog|len")
					+ " (managed services that refuse @dangerous commands may not allow it).");
		}
		return true;
	}

}
