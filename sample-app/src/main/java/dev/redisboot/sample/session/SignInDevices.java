package dev.redisboot.sample.session;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The device and time of each sign-in, for "your sessions": a Redis hash per user,
 * {@code sample:devices:<digest of the user's email>}, whose fields are the sessions' handles
 * (keyed digests of their ids, as {@code PrincipalSessions} lists them) and whose values are
 * the sign-in time and the {@link DeviceName device name} ({@code 1764680000000 Firefox on
 * Linux}). No session id, no e-mail address and no raw {@code User-Agent} are written.
 * <p>
 * Kept beside the sessions rather than in them because a session's attributes can only be
 * read with its id, which the list of a user's sessions rightly does not give. Entries of
 * sessions that ended are dropped whenever the list is read; the hash itself expires
 * {@value #RETENTION_DAYS} days after the user's last sign-in or listing.
 * <p>
 * A value that cannot be read (or a key of another type, written by someone else) is a
 * missing entry, shown as an unknown device: counted ({@code sample.devices.unreadable}) and
 * logged once, never an error for the user.
 *
 * @author redisboot
 */
@Component
public class SignInDevices {

	static final int RETENTION_DAYS = 30;

	private static final Duration RETENTION = Duration.ofDays(RETENTION_DAYS);

	private static final WarnOnce logger = new WarnOnce(LogFactory.getLog(SignInDevices.class));

	private final StringRedisTemplate redis;

	private final RedisKeyNamer keyNamer;

	private final KeyDigester digester;

	private final Counter unreadable;

	SignInDevices(StringRedisTemplate redis, RedisKeyNamer keyNamer, KeyDigester digester, MeterRegistry registry) {
		this.redis = redis;
		this.keyNamer = keyNamer;
		this.digester = digester;
		this.unreadable = Counter.builder("sample.devices.unreadable")
			.description("Sign-in device records that could not be read and were shown as unknown devices")
			.register(registry);
	}

	/**
	 * Records a sign-in.
	 * @param principal the user's name (e-mail address), only its digest is written
	 * @param handle the handle of the signed-in session
	 * @param device the device name
	 * @param at when the user signed in
	 */
	void record(String principal, String handle, String device, Instant at) {
		String key = key(principal);
		try {
			this.redis.opsForHash().put(key, handle, at.toEpochMilli() + " " + device);
			this.redis.expire(key, RETENTION);
		}
		catch (DataAccessException ex) {
			// the sign-in stands without its device, which shows as unknown
			this.unreadable.increment();
			logger.warn("record:" + ex.getClass().getName(), "Sign-in device not recorded: " + ex, null);
		}
	}

	/**
	 * The devices of a user's live sessions; drops the entries of the sessions that ended.
	 * @param principal the user's name
	 * @param liveHandles the handles of the user's live sessions
	 * @return the device of each live session that has one, by handle
	 */
	Map<String, SignIn> find(String principal, Collection<String> liveHandles) {
		String key = key(principal);
		Map<Object, Object> entries;
		try {
			entries = this.redis.opsForHash().entries(key);
		}
		catch (DataAccessException ex) {
			this.unreadable.increment();
			logger.warn("find:" + ex.getClass().getName(), "Sign-in devices of a user could not be read: " + ex, null);
			return Map.of();
		}
		Map<String, SignIn> devices = new HashMap<>();
		List<Object> ended = new ArrayList<>();
		entries.forEach((field, value) -> {
			if (!liveHandles.contains(field)) {
				ended.add(field);
				return;
			}
			SignIn signIn = SignIn.parse(String.valueOf(value));
			if (signIn != null) {
				devices.put(String.valueOf(field), signIn);
			}
			else {
				this.unreadable.increment();
				logger.warn("value", "A sign-in device record could not be read; shown as an unknown device", null);
			}
		});
		try {
			if (!ended.isEmpty()) {
				this.redis.opsForHash().delete(key, ended.toArray());
			}
			if (!liveHandles.isEmpty()) {
				this.redis.expire(key, RETENTION);
			}
		}
		catch (DataAccessException ex) {
			logger.warn("prune:" + ex.getClass().getName(), "Ended sign-in devices not dropped: " + ex, null);
		}
		return devices;
	}

	/**
	 * Forgets the device of a session that was signed out.
	 * @param principal the user's name
	 * @param handle the session's handle
	 */
	void forget(String principal, String handle) {
		try {
			this.redis.opsForHash().delete(key(principal), handle);
		}
		catch (DataAccessException ex) {
			logger.warn("forget:" + ex.getClass().getName(), "Sign-in device not dropped: " + ex, null);
		}
	}

	/**
	 * Forgets every device of a user, signed out everywhere.
	 * @param principal the user's name
	 */
	void forgetAll(String principal) {
		try {
			this.redis.delete(key(principal));
		}
		catch (DataAccessException ex) {
			logger.warn("forget:" + ex.getClass().getName(), "Sign-in devices not dropped: " + ex, null);
		}
	}

	/**
	 * The key of a user's sign-ins.
	 * @param principal the user's name
	 * @return {@code <prefix>:devices:<digest>}
	 */
	public String key(String principal) {
		return this.keyNamer.key("devices", this.digester.digest("sample-devices", principal));
	}

	/**
	 * One sign-in.
	 *
	 * @param device the device name
	 * @param at when it happened
	 */
	record SignIn(String device, Instant at) {

		static @Nullable SignIn parse(String value) {
			int space = value.indexOf(' ');
			if (space <= 0 || space == value.length() - 1 || value.length() > 200) {
				return null;
			}
			try {
				return new SignIn(value.substring(space + 1), Instant.ofEpochMilli(Long.parseLong(value, 0, space, 10)));
			}
			catch (NumberFormatException | DateTimeException ex) {
				return null;
			}
		}

	}

}
