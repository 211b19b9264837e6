package dev.redisboot.session.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;
import org.springframework.session.data.redis.config.ConfigureRedisAction;

/**
 * Switches on the keyspace notifications that Spring Session's indexed repository needs, as
 * Spring Session does, but where {@code CONFIG} is refused (an ACL user without it, managed
 * Redis such as ElastiCache, MemoryDB, Azure Cache or Memorystore) logs one WARN saying what
 * to configure on the server instead of failing startup.
 *
 * @author redisboot
 */
final class KeyspaceNotificationsAction implements ConfigureRedisAction {

	private static final Log logger = LogFactory.getLog(KeyspaceNotificationsAction.class);

	private final ConfigureRedisAction delegate = new ConfigureNotifyKeyspaceEventsAction();

	private final AtomicBoolean warned = new AtomicBoolean();

	@Override
	public void configure(RedisConnection connection) {
		try {
			this.delegate.configure(connection);
		}
		catch (RuntimeException ex) {
			if (this.warned.compareAndSet(false, true)) {
				logger.warn("Could not check or enable Redis keyspace notifications: the server refused CONFIG ("
						+ ex.getMessage() + "). Startup continues. Spring Session's indexed repository "
						+ "(spring.session.data.redis.repository-type=indexed) needs them for SessionExpiredEvent, "
						+ "SessionDeletedEvent and for cleaning its principal index: set 'notify-keyspace-events' to "
						+ "include 'Egx' on the server (for example in the ElastiCache parameter group), then set "
						+ "spring.session.data.redis.configure-action=none to skip this check. redisboot's default "
						+ "repository (repository-type=default) needs no keyspace notifications.");
			}
		}
	}

}
