package dev.redisboot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Marks a test class whose code must never block an event-loop thread: BlockHound is installed
 * before it runs, so a blocking call on a Reactor, Reactor Netty or Lettuce (Netty) event-loop
 * thread throws {@code BlockingOperationError} there. Such classes run in a JVM of their own (the
 * {@code non-blocking-tests} execution of the module's Surefire configuration), since BlockHound
 * cannot be uninstalled and would otherwise watch every test that runs after it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("blockhound")
@ExtendWith(NonBlockingTest.BlockHoundInstaller.class)
public @interface NonBlockingTest {

	/**
	 * Installs BlockHound once per JVM.
	 */
	final class BlockHoundInstaller implements BeforeAllCallback {

		private static final AtomicBoolean installed = new AtomicBoolean();

		@Override
		public void beforeAll(ExtensionContext context) {
			if (installed.compareAndSet(false, true)) {
				// Lettuce guards a write with a short lock of its own (SharedLock) that a reconnect holds
				// while it re-sends buffered commands: a command issued on an event loop at that moment
				// waits briefly, by Lettuce's design (its reactive API does the same). BlockHound's error
				// thrown inside that lock would leave Lettuce's writer count broken and the connection
				// hung (a context close waited forever after a Redis kill), so it is allowed there, and
				// only there: anything of redisboot's that blocks is still caught.
				// Jackson creates a type's deserializer once, under a lock: two first reads of one type
				// at once wait for each other once per type and application (Spring's own WebFlux JSON
				// codecs do the same); allowed there too.
				BlockHound.install((builder) -> {
					for (String method : new String[] { "incrementWriters", "doExclusive", "lockWritersExclusive" }) {
						builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", method);
					}
					builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
							"_createAndCacheValueDeserializer");
					// Netty 4.2's adaptive buffer allocator, growing its magazines when event loops
					// allocate at once, frees the old ones under a short write lock (Netty's own
					// BlockHound integration allows its other allocator locks, not this one). The
					// error thrown there met Lettuce's CommandHandler allocating its read buffer in
					// channelRegistered: without it every reply on that connection was dropped
					// ("Ignoring received data for closed or abandoned connection"), so a new
					// cluster node connection's handshake waited a minute, the client's first
					// topology refresh with it, and a session read on that node timed out (503).
					builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
					// A CompletableFuture timeout (orTimeout) completed on an event loop removes its timer
					// task from the JDK's single delay scheduler under that queue's short lock. An error
					// thrown while waiting for a JDK lock leaves its waiter queued for good (JDK 17's AQS
					// does not cancel it), so the scheduler's queue stayed locked and no timeout in the
					// JVM fired again: a request to a paused Redis hung instead of answering 503.
					builder.allowBlockingCallsInside("java.util.concurrent.CompletableFuture$Canceller", "accept");
					// a BlockingOperationError thrown inside a library (a Netty handler, Lettuce's
					// connection set-up) may be swallowed there and only show as a hang or timeout
					// later: each is printed where it is thrown, so the test's output names it
					builder.blockingMethodCallback((method) -> {
						BlockingOperationError error = new BlockingOperationError(method);
						System.err.println("BlockHound: blocking call on " + Thread.currentThread().getName());
						error.printStackTrace();
						throw error;
					});
				});
			}
		}

	}

}
