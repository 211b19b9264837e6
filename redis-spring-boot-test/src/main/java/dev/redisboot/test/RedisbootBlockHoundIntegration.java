package dev.redisboot.test;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound must let through for a test of a reactive application on Lettuce to fail
 * only for blocking calls of its own (and of redisboot's). {@code BlockHound.install()} loads it
 * (a {@code ServiceLoader} entry) whenever this module is on the class path. Each allowance is a
 * short lock inside a library: waiting for it is by the library's design, and BlockHound's error
 * thrown inside it breaks the library's state (a hang later, far from the cause), so it is
 * allowed there and only there. Every other blocking call is printed where it is thrown (a
 * library may swallow the error and show only a timeout later), then thrown.
 */
public class RedisbootBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		// Lettuce guards a write with a short lock of its own (SharedLock) that a reconnect holds
		// while it re-sends buffered commands. The error thrown inside it left Lettuce's writer
		// count broken and the connection hung (a context close waited forever after a Redis kill).
		for (String method : new String[] { "incrementWriters", "doExclusive", "lockWritersExclusive" }) {
			builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", method);
		}
		// Jackson creates a type's deserializer once, under a lock: two first reads of one type at
		// once wait for each other once per type and application (Spring's WebFlux codecs too).
		builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
				"_createAndCacheValueDeserializer");
		// Netty 4.2's adaptive buffer allocator frees old magazines under a short write lock when
		// event loops allocate at once (Netty's own integration allows its other allocator locks, not
		// this one). The error met Lettuce's CommandHandler allocating its read buffer: every reply on
		// that connection was dropped, and a new Cluster node's handshake waited a minute.
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
		// A CompletableFuture timeout (orTimeout) completed on an event loop removes its timer task
		// from the JDK's single delay scheduler under that queue's short lock. An error thrown while
		// waiting for a JDK lock leaves its waiter queued for good (JDK 17's AQS), so no timeout in
		// the JVM fired again.
		builder.allowBlockingCallsInside("java.util.concurrent.CompletableFuture$Canceller", "accept");
		builder.blockingMethodCallback((method) -> {
			BlockingOperationError error = new BlockingOperationError(method);
			System.err.println("BlockHound: blocking call on " + Thread.currentThread().getName());
			error.printStackTrace();
			throw error;
		});
	}

}
