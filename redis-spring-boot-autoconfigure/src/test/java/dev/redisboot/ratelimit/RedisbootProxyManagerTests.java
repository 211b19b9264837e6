package dev.redisboot.ratelimit;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.MathType;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.distributed.remote.RemoteStat;
import io.github.bucket4j.distributed.serialization.InternalSerializationHelper;
import io.github.bucket4j.distributed.versioning.Versions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link RedisbootProxyManager} accepts from Redis as a bucket state.
 */
class RedisbootProxyManagerTests {

	private static byte[] state(Limit... limits) {
		var builder = BucketConfiguration.builder();
		for (Limit limit : limits) {
			builder.addLimit(limit.toBandwidth());
		}
		BucketState state = BucketState.createInitialState(builder.build(), MathType.INTEGER_64_BITS, System.nanoTime());
		return InternalSerializationHelper.serializeState(new RemoteBucketState(state, new RemoteStat(7), null),
				Versions.getLatest());
	}

	@Test
	void statesBucket4jWritesDecode() {
		assertThat(RedisbootProxyManager.decodes(state(Limit.of(10, Duration.ofMinutes(1))))).isTrue();
		assertThat(RedisbootProxyManager.decodes(
				state(Limit.of(10, Duration.ofSeconds(1)), Limit.of(1000, Duration.ofHours(1)),
						new Limit(5, Duration.ofDays(1), Limit.Refill.INTERVALLY))))
			.isTrue();
	}

	@Test
	void everyTruncationAndAnyTrailingByteIsRejected() {
		byte[] state = state(Limit.of(10, Duration.ofMinutes(1)), Limit.of(100, Duration.ofHours(1)));
		for (int length = 0; length < state.length; length++) {
			assertThat(RedisbootProxyManager.decodes(Arrays.copyOf(state, length))).as("first %d bytes", length).isFalse();
		}
		assertThat(RedisbootProxyManager.decodes(Arrays.copyOf(state, state.length + 1))).isFalse();
	}

	@Test
	void lengthsLargerThanTheStateAreRejectedBeforeAnythingIsAllocated() {
		// format 2, configuration format 1, 2^31-1 limits: Bucket4j alone would allocate a list of that size
		assertThat(RedisbootProxyManager.decodes(HexFormat.of().parseHex("00000002000000017fffffff00000001"))).isFalse();
		// a token array announcing 2^31-1 longs in place of 3
		byte[] state = state(Limit.of(10, Duration.ofMinutes(1)));
		for (int i = state.length - 28; i >= 0; i--) {
			if (state[i] == 0 && state[i + 1] == 0 && state[i + 2] == 0 && state[i + 3] == 3) {
				byte[] huge = state.clone();
				huge[i] = 0x7f;
				huge[i + 1] = (byte) 0xff;
				huge[i + 2] = (byte) 0xff;
				huge[i + 3] = (byte) 0xff;
				assertThat(RedisbootProxyManager.decodes(huge)).isFalse();
				break;
			}
		}
		assertThat(RedisbootProxyManager.decodes(new byte[RedisbootProxyManager.MAX_STATE_BYTES + 1])).isFalse();
	}

	@Test
	void randomBytesAreRejected() {
		Random random = new Random(42);
		for (int i = 0; i < 10_000; i++) {
			byte[] bytes = new byte[random.nextInt(200)];
			random.nextBytes(bytes);
			assertThat(RedisbootProxyManager.decodes(bytes)).isFalse();
		}
	}

}
