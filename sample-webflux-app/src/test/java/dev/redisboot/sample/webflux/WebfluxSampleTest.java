package dev.redisboot.sample.webflux;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The whole {@link WebfluxSampleApplication} on Reactor Netty on a random port, against a real
 * Redis from the test harness, under BlockHound: a blocking call on a Netty, Reactor or Lettuce
 * event-loop thread throws {@code BlockingOperationError} there, which fails the request and so
 * the test. BlockHound is installed before the application starts and stays for the JVM: every
 * test class of this module runs under it.
 * <p>
 * Every test class uses this one annotation, so that they all share one application context.
 * Spring's forwarded-header support is on ({@code server.forward-headers-strategy=framework}),
 * so that each test can be a client of its own (an {@code X-Forwarded-For} address of its own)
 * with buckets of its own under the rate limits of {@code application.yml}.
 *
 * @author redisboot
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(WebfluxSampleTest.BlockHoundInstaller.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.forward-headers-strategy=framework")
@WithRedis
public @interface WebfluxSampleTest {

	/**
	 * Installs BlockHound once per JVM, before the application context starts.
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
