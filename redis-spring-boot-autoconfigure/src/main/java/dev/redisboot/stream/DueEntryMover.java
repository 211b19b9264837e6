package dev.redisboot.stream;

import java.util.Map;

/**
 * Moves due delayed entries (delayed jobs, retries) of every stream into the stream, run by
 * the container's scheduler. An unreadable member of a delayed set is dead-lettered by the
 * script and counted; a failure of the whole move (a key of another type, no permission,
 * Redis down) is counted and logged once per stream and kind, and the next run tries again.
 *
 * @author redisboot
 */
final class DueEntryMover {

	/** Most entries one script call moves; a full batch is followed by another at once. */
	static final int BATCH = 500;

	private final ConsumerContext context;

	DueEntryMover(ConsumerContext context) {
		this.context = context;
	}

	/**
	 * Moves due entries.
	 * @param streams each stream with the approximate length to trim it to
	 * @param deadLetterLengths each stream with the approximate length of its dead-letter
	 * stream
	 */
	void moveDue(Map<String, Long> streams, Map<String, Long> deadLetterLengths) {
		streams.forEach((stream, maxLength) -> {
			// a priority lane shares its stream's delayed set: the stream's move (the jobs stream
			// is always consumed where a lane is) fills the lanes
			if (StreamKeys.base(stream).equals(stream)) {
				moveDue(stream, streams.containsKey(JobPriority.HIGH.lane(stream)),
						streams.containsKey(JobPriority.LOW.lane(stream)), maxLength,
						deadLetterLengths.getOrDefault(stream, maxLength));
			}
		});
	}

	private void moveDue(String stream, boolean highLane, boolean lowLane, long maxLength, long deadLetterLength) {
		try {
			StreamStore.Moved moved;
			do {
				moved = this.context.store()
					.moveDue(stream, highLane, lowLane, System.currentTimeMillis(), maxLength, BATCH, deadLetterLength);
				for (int i = 0; i < moved.deadLettered(); i++) {
					this.context.metrics().fault(stream, "delayed-member");
				}
				if (moved.deadLettered() > 0) {
					// the member is not quoted: it may hold anything, including personal data
					this.context.warnOnce()
						.warn("poison:" + stream, moved.deadLettered() + " unreadable entries of the delayed set "
								+ "of stream '" + stream + "' were moved to its dead-letter stream (field 'error' says why)",
								null);
				}
			}
			while (this.context.isRunning() && moved.total() == BATCH);
		}
		catch (RuntimeException ex) {
			if (!this.context.isRunning() || Thread.currentThread().isInterrupted()) {
				return; // stopping: the scheduler was interrupted mid-command, nothing is wrong
			}
			this.context.metrics().fault(stream, "move");
			this.context.warnOnce()
				.warn("move:" + stream + ":" + ex.getClass().getName(),
						"Could not move due entries of stream '" + stream + "' (delayed jobs, retries): " + ex.getMessage(),
						null);
		}
	}

}
