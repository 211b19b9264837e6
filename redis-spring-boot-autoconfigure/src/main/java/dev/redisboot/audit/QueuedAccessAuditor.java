package dev.redisboot.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.redisboot.core.AccessAuditor;
import dev.redisboot.core.KeyDigester;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Writes records of accesses to sensitive data (audited caches) to the {@link AuditTrail}
 * off the callers' threads: an {@link #offer} takes the time and the request's client and
 * puts the record in a bounded queue, never blocking; one daemon thread, started on the
 * first offer, writes what has queued up in batches of up to {@value #BATCH} records, one
 * round trip each. A full queue and a write that Redis refuses drop records, counted in
 * {@code redisboot.audit.dropped{reason}}. The client's address is recorded as its keyed
 * digest, never in clear.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class QueuedAccessAuditor implements AccessAuditor, AutoCloseable {

	private static final Log logger = LogFactory.getLog(QueuedAccessAuditor.class);

	static final int BATCH = 100;

	private final AuditTrail trail;

	private final KeyDigester digester;

	private final Clock clock;

	private final AuditMetrics metrics;

	private final BlockingQueue<AuditEvent> queue;

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean closed;

	private volatile @Nullable Thread writer;

	/**
	 * Creates the auditor.
	 * @param trail where records are written
	 * @param digester digests the clients' addresses
	 * @param clock the clock
	 * @param metrics counts the dropped records
	 * @param capacity most records waiting to be written
	 */
	public QueuedAccessAuditor(AuditTrail trail, KeyDigester digester, Clock clock, AuditMetrics metrics,
			int capacity) {
		this.trail = trail;
		this.digester = digester;
		this.clock = clock;
		this.metrics = metrics;
		this.queue = new ArrayBlockingQueue<>(capacity);
	}

	@Override
	public boolean offer(String actor, String action, String target, String result) {
		if (this.closed) {
			this.metrics.dropped("closed", 1);
			return false;
		}
		String address = RequestClient.address();
		// the address is digested by the writer, off the caller's thread
		AuditEvent event = new AuditEvent(this.clock.instant(), actor, action, target,
				(address != null) ? address : "unknown", result);
		if (!this.queue.offer(event)) {
			this.metrics.dropped("queue-full", 1);
			return false;
		}
		if (!this.started.get() && this.started.compareAndSet(false, true)) {
			Thread thread = new Thread(this::writeUntilClosed, "redisboot-audit-writer");
			thread.setDaemon(true);
			this.writer = thread;
			thread.start();
		}
		return true;
	}

	/**
	 * How many records wait to be written.
	 * @return the queue's size
	 */
	public int queued() {
		return this.queue.size();
	}

	private void writeUntilClosed() {
		List<AuditEvent> batch = new ArrayList<>(BATCH);
		while (!this.closed) {
			try {
				AuditEvent first = this.queue.poll(1, TimeUnit.SECONDS);
				if (first != null) {
					batch.add(first);
					this.queue.drainTo(batch, BATCH - 1);
					write(batch);
					batch.clear();
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				this.metrics.dropped("other", batch.size());
				batch.clear();
				logger.warn("Audit records could not be written; the writer goes on", ex);
			}
		}
	}

	private void write(List<AuditEvent> batch) {
		List<AuditEvent> digested = new ArrayList<>(batch.size());
		for (AuditEvent event : batch) {
			digested.add(new AuditEvent(event.time(), event.actor(), event.action(), event.target(),
					client(event.client()), event.result()));
		}
		String failure = this.trail.recordAccesses(digested);
		if (failure != null) {
			this.metrics.dropped(failure, batch.size());
		}
	}

	private String client(String address) {
		// the display digest every console tab shows a client by (the rate limits' most limited clients too)
		return "unknown".equals(address) ? address : this.digester.display(address);
	}

	/**
	 * Stops the writer after one last attempt to write what is queued.
	 */
	@Override
	public void close() {
		this.closed = true;
		Thread thread = this.writer;
		if (thread != null) {
			try {
				// the writer ends after its current batch (its wait for records lasts at most 1s)
				thread.join(TimeUnit.SECONDS.toMillis(5));
				if (thread.isAlive()) {
					thread.interrupt();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		List<AuditEvent> rest = new ArrayList<>();
		this.queue.drainTo(rest);
		for (int from = 0; from < rest.size(); from += BATCH) {
			write(rest.subList(from, Math.min(rest.size(), from + BATCH)));
		}
	}

}
