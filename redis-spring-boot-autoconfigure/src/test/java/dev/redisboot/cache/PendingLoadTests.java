package dev.redisboot.cache;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The miss a thread's caller is computing a value for: only the put of the same entry, on
 * the same thread, records a load time, and only once.
 */
class PendingLoadTests {

	@AfterEach
	void clear() {
		PendingLoad.clear();
	}

	@Test
	void thePutOfTheMissedEntryRecordsTheLoadOnce() {
		PendingLoad.started("products", "cache:products:1");
		assertThat(PendingLoad.finish("products", "cache:products:1")).isNotNegative();
		assertThat(PendingLoad.finish("products", "cache:products:1")).isEqualTo(-1);
	}

	@Test
	void aPutOfAnotherEntryEndsThePendingLoadWithoutRecordingIt() {
		PendingLoad.started("products", "cache:products:1");
		assertThat(PendingLoad.finish("products", "cache:products:2")).isEqualTo(-1);
		assertThat(PendingLoad.finish("products", "cache:products:1")).isEqualTo(-1);
	}

	@Test
	void theCacheNameIsPartOfTheEntry() {
		PendingLoad.started("a:b", "c");
		assertThat(PendingLoad.finish("a", "b:c")).isEqualTo(-1);
	}

	@Test
	void anotherThreadSeesNothing() throws Exception {
		PendingLoad.started("products", "cache:products:1");
		long[] seen = new long[1];
		Thread other = new Thread(() -> seen[0] = PendingLoad.finish("products", "cache:products:1"));
		other.start();
		other.join();
		assertThat(seen[0]).isEqualTo(-1);
	}

}
