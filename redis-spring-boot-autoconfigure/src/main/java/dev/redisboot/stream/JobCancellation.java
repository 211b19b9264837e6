package dev.redisboot.stream;

import java.util.function.BooleanSupplier;

/**
 * A running job's {@link StreamDelivery#isCancelled()}: reads the cancel flag of its status
 * record on each call until it is set, and remembers that the handler saw it, so that the job
 * ends cancelled rather than done.
 *
 * @author redisboot
 */
final class JobCancellation implements BooleanSupplier {

	private final ConsumerContext context;

	private final String stream;

	private final String jobId;

	private volatile boolean seen;

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
