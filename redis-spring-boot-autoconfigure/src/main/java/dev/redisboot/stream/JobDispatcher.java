package dev.redisboot.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

import org.jspecify.annotations.Nullable;

/**
 * Hands each job of the jobs stream to the {@link JobHandler} of its type; a job whose type
 * has no handler here goes to the dead-letter stream (from where it can be retried once a
 * version with the handler runs).
 *
 * @author redisboot
 */
final class JobDispatcher implements StreamHandler {

	private static final java.util.regex.Pattern TYPE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{0,100}");

	private final Map<String, StreamHandler> handlers;

	private final StreamListenerRegistrar.JobSettings settings;

	private final Map<String, Semaphore> permits = new HashMap<>();

	JobDispatcher(Map<String, StreamHandler> handlers, StreamListenerRegistrar.JobSettings settings) {
		this.handlers = Map.copyOf(handlers);
		this.settings = settings;
		settings.limits().forEach((type, limits) -> {
			if (limits.concurrency() > 0) {
				this.permits.put(type, new Semaphore(limits.concurrency()));
			}
		});
	}

	/**
	 * Returns the permits of a job type with a concurrency limit on this instance, shared by
	 * the consumers of every priority lane.
	 * @param type the job type
	 * @return the permits, or {@code null} for a type without a limit
	 */
	@Nullable Semaphore permits(String type) {
		return this.permits.get(type);
	}

	/**
	 * Returns the settings of the jobs, among them whether their status is tracked.
	 * @return the settings
	 */
	StreamListenerRegistrar.JobSettings settings() {
		return this.settings;
	}

	@Override
	public void handle(Map<String, byte[]> fields, StreamDelivery delivery) throws Exception {
		byte[] type = fields.get(StreamFields.TYPE);
		StreamHandler handler = (type != null) ? this.handlers.get(StreamFields.string(type)) : null;
		if (handler == null) {
			// the type comes from Redis: quoted (in the dead letter and the log) only when it looks like a type name
			String name = (type != null) ? StreamFields.string(type) : "";
			throw new UnprocessableEntryException("No @JobHandler for job type "
					+ (TYPE_NAME.matcher(name).matches() ? "'" + name + "'" : "(not a job type name)"), null);
		}
		handler.handle(fields, delivery);
	}

}
