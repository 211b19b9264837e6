package dev.redisboot.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Waits for a condition on test servers while they start or converge.
 */
final class Polling {

	private Polling() {
	}

	static void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		@Nullable RuntimeException last = null;
		while (true) {
			try {
				if (condition.getAsBoolean()) {
					return;
				}
				last = null;
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Timed out after " + timeout.toMillis() + " ms waiting for " + what
								+ ((last != null) ? " (last error: " + last.getMessage() + ")" : ""),
						last);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

}
