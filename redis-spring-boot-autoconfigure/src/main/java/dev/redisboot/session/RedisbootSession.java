package dev.redisboot.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;

/**
 * A session of {@link RedisbootSessionRepository}, read from or about to be written to Redis,
 * tracking what changed since, so that a save writes only that.
 *
 * @author redisboot
 */
public final class RedisbootSession implements Session {

	private final MapSession cached;

	private final Options options;

	private final SessionSaver saver;

	private final Map<String, @Nullable Object> changedAttributes = new HashMap<>();

	private boolean isNew;

	private boolean timesChanged;

	private String originalId;

	private @Nullable String principal;

	private long indexExpiry;

	private boolean idStored;

	private boolean gone;

	/**
	 * Creates a session.
	 * @param cached its id, times and attributes
	 * @param isNew whether it is not in Redis yet
	 * @param principal the digest of its principal's name as stored, {@code null} for none
	 * @param indexExpiry until when its principal's index is known to live, epoch ms
	 * @param idStored whether its encrypted id is stored
	 * @param options the repository's settings
	 * @param saver what writes it
	 */
	RedisbootSession(MapSession cached, boolean isNew, @Nullable String principal, long indexExpiry, boolean idStored,
			Options options, SessionSaver saver) {
		this.cached = cached;
		this.options = options;
		this.saver = saver;
		this.isNew = isNew;
		this.originalId = cached.getId();
		this.principal = principal;
		this.indexExpiry = indexExpiry;
		this.idStored = idStored;
		if (isNew || options.saveMode() == SaveMode.ALWAYS) {
			cached.getAttributeNames().forEach((name) -> this.changedAttributes.put(name, cached.getAttribute(name)));
		}
	}

	@Override
	public String getId() {
		return this.cached.getId();
	}

	@Override
	public String changeSessionId() {
		String id = this.options.idGenerator().generate();
		this.cached.setId(id);
		return id;
	}

	@Override
	public <T> @Nullable T getAttribute(String attributeName) {
		T value = this.cached.getAttribute(attributeName);
		if (value != null && this.options.saveMode() == SaveMode.ON_GET_ATTRIBUTE) {
			this.changedAttributes.put(attributeName, value);
		}
		return value;
	}

	@Override
	public Set<String> getAttributeNames() {
		return this.cached.getAttributeNames();
	}

	@Override
	public void setAttribute(String attributeName, @Nullable Object attributeValue) {
		this.cached.setAttribute(attributeName, attributeValue);
		this.changedAttributes.put(attributeName, attributeValue);
		flushIfRequired();
	}

	@Override
	public void removeAttribute(String attributeName) {
		setAttribute(attributeName, null);
	}

	@Override
	public Instant getCreationTime() {
		return this.cached.getCreationTime();
	}

	@Override
	public void setLastAccessedTime(Instant lastAccessedTime) {
		this.cached.setLastAccessedTime(lastAccessedTime);
		this.timesChanged = true;
		flushIfRequired();
	}

	@Override
	public Instant getLastAccessedTime() {
		return this.cached.getLastAccessedTime();
	}

	@Override
	public void setMaxInactiveInterval(Duration interval) {
		this.cached.setMaxInactiveInterval(interval);
		this.timesChanged = true;
		flushIfRequired();
	}

	@Override
	public Duration getMaxInactiveInterval() {
		return this.cached.getMaxInactiveInterval();
	}

	@Override
	public boolean isExpired() {
		return this.cached.isExpired();
	}

	/**
	 * Whether this session was found deleted (revoked, expired, invalidated elsewhere, its id
	 * changed by another request) when it was last saved, or could not be stored, so its
	 * changes were dropped.
	 * @return whether the session is gone
	 */
	public boolean isGone() {
		return this.gone;
	}

	void flushIfRequired() {
		if (this.options.flushMode() == FlushMode.IMMEDIATE) {
			save();
		}
	}

	void save() {
		this.saver.save(this);
	}

	// what the saver reads and records

	MapSession cached() {
		return this.cached;
	}

	boolean isNew() {
		return this.isNew;
	}

	boolean timesChanged() {
		return this.timesChanged;
	}

	Map<String, @Nullable Object> changedAttributes() {
		return this.changedAttributes;
	}

	String originalId() {
		return this.originalId;
	}

	@Nullable String principal() {
		return this.principal;
	}

	long indexExpiry() {
		return this.indexExpiry;
	}

	boolean idStored() {
		return this.idStored;
	}

	/**
	 * Records a successful save: the session as it is now is what Redis holds.
	 */
	void saved(@Nullable String principal, long indexExpiry, boolean idStored) {
		this.isNew = false;
		this.originalId = getId();
		this.timesChanged = false;
		this.changedAttributes.clear();
		this.principal = principal;
		this.indexExpiry = indexExpiry;
		this.idStored = this.idStored || idStored;
	}

	void markGone() {
		this.gone = true;
	}

	/**
	 * The repository's settings that a session follows.
	 *
	 * @param flushMode when changes are written
	 * @param saveMode which attributes are written
	 * @param idGenerator how a new id is made
	 */
	record Options(FlushMode flushMode, SaveMode saveMode, SessionIdGenerator idGenerator) {
	}

}
