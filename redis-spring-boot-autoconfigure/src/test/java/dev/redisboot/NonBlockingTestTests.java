package dev.redisboot;

import java.time.Duration;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import dev.redisboot.test.RedisbootBlockHoundIntegration;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shows that {@link NonBlockingTest} really catches a blocking call on a non-blocking thread, so
 * that the reactive tests which rely on it can fail.
 */
@NonBlockingTest
class NonBlockingTestTests {

	@Test
	void blockingOnAParallelSchedulerThreadFails() {
		Mono<String> sleeping = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return "slept";
		}).subscribeOn(Schedulers.parallel());
		assertThatThrownBy(() -> sleeping.block(Duration.ofSeconds(5))).hasCauseInstanceOf(BlockingOperationError.class)
			.rootCause()
			.hasMessageContaining("java.lang.Thread.sleep");
	}

	@Test
	void blockingOnABoundedElasticThreadIsAllowed() {
		Mono<String> sleeping = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return "slept";
		}).subscribeOn(Schedulers.boundedElastic());
		assertThat(sleeping.block(Duration.ofSeconds(5))).isEqualTo("slept");
	}

	@Test
	void theTestModulesAllowancesAreLoadedByBlockHoundItself() {
		assertThat(ServiceLoader.load(BlockHoundIntegration.class).stream().map(ServiceLoader.Provider::type))
			.contains(RedisbootBlockHoundIntegration.class);
	}

}
