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
				// with redis-spring-boot-test's RedisbootBlockHoundIntegration (loaded by BlockHound
				// itself): the few short locks inside Lettuce, Netty, Jackson and the JDK that must be let
				// through, each with its reason there; anything else that blocks is caught
				BlockHound.install();
			}
		}

	}

}
