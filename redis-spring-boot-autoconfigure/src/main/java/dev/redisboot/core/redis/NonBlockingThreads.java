package dev.redisboot.core.redis;

import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.scheduler.Schedulers;

/**
 * Tells whether the current thread must not block: an event loop of Reactor, Reactor Netty
 * or Lettuce (Netty threads that do not permit blocking calls), the threads BlockHound
 * watches. Features that serve reactive callers use it to send commands without waiting
 * there (the caches' writes, as Spring's {@code Cache.put} contract asks of a cache that
 * serves {@code CompletableFuture} and reactive methods).
 */
public final class NonBlockingThreads {

	private NonBlockingThreads() {
	}

	/**
	 * Whether the current thread is an event loop.
	 * @return {@code true} when blocking here would stall an event loop
	 */
	public static boolean isCurrent() {
		Thread thread = Thread.currentThread();
		return Schedulers.isInNonBlockingThread()
				|| (thread instanceof FastThreadLocalThread netty && !netty.permitBlockingCalls());
	}

}
