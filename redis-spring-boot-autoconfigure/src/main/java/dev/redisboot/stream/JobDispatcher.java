package dev.redisboot.stream;

import java.util.Map;

/**
 * Hands each job of the jobs stream to the {@link JobHandler} of its type; a job whose type
 * has no handler here goes to the dead-letter stream (from where it can be retried once a
 * version with the handler runs).
 *
 * @author redisboot
 */
final class JobDispatcher implements StreamHandler {

	private final Map<String, StreamHandler> handlers;

	JobDispatcher(Map<String, StreamHandler> handlers) {
		this.handlers = Map.copyOf(handlers);
	}

	@Override
	public void handle(Map<String, byte[]> fields, StreamDelivery delivery) throws Exception {
		byte[] type = fields.get(StreamStore.TYPE);
		StreamHandler handler = (type != null) ? this.handlers.get(StreamStore.string(type)) : null;
		if (handler == null) {
			throw new UnprocessableEntryException(
					"No @JobHandler for job type '" + ((type != null) ? StreamStore.string(type) : "") + "'", null);
		}
		handler.handle(fields, delivery);
	}

}
