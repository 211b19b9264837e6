package dev.redisboot.session;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.redisboot.NonBlockingTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NonBlockingSessionIdGenerator}: random version-4 UUIDs, drawn on a non-blocking
 * thread without BlockHound seeing a blocking call (where {@code UUID.randomUUID()} reads
 * {@code /dev/urandom}).
 */
@NonBlockingTest
class NonBlockingSessionIdGeneratorTests {

	@Test
	void generatesDistinctRandomUuidsOnANonBlockingThread() {
		NonBlockingSessionIdGenerator generator = new NonBlockingSessionIdGenerator();
		List<String> ids = Flux.range(0, 20_000)
			.flatMap((i) -> Mono.fromSupplier(generator::generate).subscribeOn(Schedulers.parallel()))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(ids).hasSize(20_000).doesNotHaveDuplicates().allSatisfy((id) -> {
			UUID uuid = UUID.fromString(id);
			assertThat(uuid.version()).isEqualTo(4);
			assertThat(uuid.variant()).isEqualTo(2);
			assertThat(uuid.toString()).isEqualTo(id);
		});
	}

}
