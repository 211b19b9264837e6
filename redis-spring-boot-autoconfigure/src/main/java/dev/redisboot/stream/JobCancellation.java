package dev.redisboot.stream;

import java.util.function.BooleanSupplier;

/**
 * A running job's {@link StreamDelivery#isCancelled()}: reads the cancel flag of its status
 * record, at most once per {@value #CHECK_INTERVAL_MILLIS} ms (a handler may ask in a tight
 * loop), until it is set, and remembers that the handler saw it, so that the job ends
 * cancelled rather than done.
 *
 * @author redisboot
 */
final class JobCancellation implements BooleanSupplier {

	private final ConsumerContext context;

	private final String stream;

	private final String jobId;

	static final long CHECK_INTERVAL_MILLIS = 200;

	private volatile boolean seen;

	private volatile long nextCheck;

	JobCancellation(ConsumerContext context, String stream, String jobId) {
		this.context = context;
		this.stream = stream;
		this.jobId = jobId;
	}

	@Override
	public boolean getAsBoolean() {
		if (this.seen) {
			return true;
		}
		long now = System.nanoTime();
		if (this.nextCheck != 0 && now - this.nextCheck < 0) {
			return false;
		}
		this.nextCheck = now + CHECK_INTERVAL_MILLIS * 1_000_000;
		try {
			this.seen = this.context.store().cancelRequested(this.stream, this.jobId);
		}
		catch (RuntimeException ex) {
			this.context.metrics().fault(this.stream, "job-status");
			this.context.warnOnce()
				.warn("cancel-flag:" + this.stream + ":" + ex.getClass().getName(), "Could not read the cancel flag of a job "
						+ "of stream '" + this.stream + "' (" + ex.getMessage() + "); the job goes on", null);
		}
		return this.seen;
	}

	boolean seen() {
		return this.seen;
	}

}
