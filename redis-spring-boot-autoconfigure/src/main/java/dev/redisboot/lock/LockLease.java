package dev.redisboot.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A distributed lock held by this instance, from {@link DistributedLocks}, until it is
 * {@linkplain #release() released} or its lease ends. Use it in try-with-resources:
 * <pre class="code">
 * try (LockLease lease = locks.tryAcquire("billing", Duration.ofMinutes(5)).orElseThrow(...)) {
 *     ledger.write(entries, lease.fencingToken());
 * }
 * </pre>
 * Holding a lock protects a resource only while the lease lasts: a holder that pauses past
 * it (a long GC pause, a stalled VM, a slow call) can find that another holder took the lock
 * meanwhile. The {@linkplain #fencingToken() fencing token} lets the resource refuse the late
 * holder's writes. Thread-safe.
 */
public final class LockLease implements AutoCloseable {

	private static final int HELD = 0;

	private static final int RELEASED = 1;

	private static final int LOST = 2;

	private final DistributedLocks locks;

	private final String name;

	private final byte[] key;

	private final byte[] value;

	private final long fencingToken;

	private final AtomicInteger state = new AtomicInteger(HELD);

	private volatile long validUntilMillis;

	private volatile @Nullable ScheduledFuture<?> renewal;

	LockLease(DistributedLocks locks, String name, byte[] key, byte[] value, long fencingToken,
			long validUntilMillis) {
		this.locks = locks;
		this.name = name;
		this.key = key;
		this.value = value;
		this.fencingToken = fencingToken;
		this.validUntilMillis = validUntilMillis;
	}

	/**
	 * The lock's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The fencing token of this hold: larger than that of every earlier hold of the same lock
	 * name, so a resource that remembers the largest token it has seen can refuse writes that
	 * carry a smaller one, from a holder whose lease ended while it was paused. Tokens are
	 * not consecutive (they follow the Redis server's clock in microseconds) and stay below
	 * 2<sup>53</sup>.
	 * @return the token
	 */
	public long fencingToken() {
		return this.fencingToken;
	}

	/**
	 * Whether this instance may still act as the holder: not released, not found lost, and
	 * the lease (renewed by the watchdog, if any) has not ended by this instance's clock. The
	 * lease is counted from before the acquiring command was sent, so this errs on the safe
	 * side; it cannot see a pause that happens after it returns, which is what the fencing
	 * token is for.
	 * @return whether held
	 */
	public boolean isHeld() {
		return this.state.get() == HELD && this.locks.clock().millis() < this.validUntilMillis;
	}

	/**
	 * When the lease ends, by this instance's clock, unless renewed.
	 * @return the end of the lease
	 */
	public Instant validUntil() {
		return Instant.ofEpochMilli(this.validUntilMillis);
	}

	/**
	 * Renews the lease: the lock ends {@code lease} from now, if this instance still holds
	 * it. One round trip.
	 * @param lease the new lease, from now
	 * @return whether the lock was still held and is renewed; {@code false} when its lease had
	 * ended (counted and logged as a lease that expired while held), it was released, or
	 * Redis could not be asked
	 */
	public boolean renew(Duration lease) {
		DistributedLocks.requirePositive(lease);
		if (this.state.get() != HELD) {
			return false;
		}
		long before = this.locks.clock().millis();
		Boolean ours = this.locks.setLease(this, lease.toMillis());
		if (ours == null) {
			return false;
		}
		if (ours) {
			this.validUntilMillis = before + lease.toMillis();
			return true;
		}
		lost("renewal");
		return false;
	}

	/**
	 * Releases the lock if this instance still holds it (compare-and-delete, one round trip).
	 * Releasing again does nothing.
	 * @return whether this call released the lock; {@code false} when it was released before,
	 * when its lease had ended (counted and logged as a lease that expired while held: another
	 * holder's lock is never deleted), or when Redis could not be asked (the lock then ends
	 * with its lease)
	 */
	public boolean release() {
		return release(0);
	}

	/**
	 * Releases the lock, or, when {@code keepMillis} is positive, lets it end that long from
	 * now instead (what is left of a scheduled task's {@code lockAtLeastFor}).
	 */
	boolean release(long keepMillis) {
		if (!this.state.compareAndSet(HELD, RELEASED)) {
			return false;
		}
		stopRenewal();
		Boolean ours = this.locks.setLease(this, keepMillis);
		if (ours == null) {
			this.locks.metrics().release("error");
			return false;
		}
		if (!ours) {
			this.locks.metrics().release("lost");
			this.locks.leaseExpiredWhileHeld(this, "release");
			return false;
		}
		this.locks.metrics().release("released");
		return true;
	}

	/**
	 * Releases the lock, as {@link #release()}.
	 */
	@Override
	public void close() {
		release();
	}

	void lost(String when) {
		if (this.state.compareAndSet(HELD, LOST)) {
			stopRenewal();
			this.locks.leaseExpiredWhileHeld(this, when);
		}
	}

	void renewWith(ScheduledFuture<?> renewal) {
		this.renewal = renewal;
		if (this.state.get() != HELD) {
			stopRenewal();
		}
	}

	private void stopRenewal() {
		ScheduledFuture<?> current = this.renewal;
		if (current != null) {
			current.cancel(false);
		}
	}

	boolean pastLease() {
		return this.locks.clock().millis() >= this.validUntilMillis;
	}

	byte[] key() {
		return this.key;
	}

	byte[] value() {
		return this.value;
	}

	@Override
	public String toString() {
		return "LockLease[name=" + this.name + ", fencingToken=" + this.fencingToken + ", state="
				+ switch (this.state.get()) {
					case HELD -> "held";
					case RELEASED -> "released";
					default -> "lost";
				} + "]";
	}

}
