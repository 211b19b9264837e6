package dev.redisboot.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.LettuceCommands;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * A Bucket4j proxy manager on Bucket4j's compare-and-swap SPI that decides in one Redis
 * round trip when it can: it remembers the state it last wrote (or read) for each bucket and
 * offers that as the expected state straight away, instead of reading it first. The swap is
 * one Lua script ({@code EVALSHA}) that sets the new state with its expiry only if Redis
 * still holds the expected one, and otherwise returns what Redis holds, so a retry after a
 * conflict (another instance consumed meanwhile) needs no separate read. Exact: a swap never
 * succeeds on a stale state, so no request is admitted twice.
 * <p>
 * The remembered states are bounded; when full, the memory is dropped and the next decision
 * for each bucket reads it again ({@code GET}, two round trips).
 */
final class RedisbootProxyManager extends AbstractCompareAndSwapBasedProxyManager<byte[]> {

	static final Script COMPARE_AND_SWAP = Script.of("""
			local current = redis.call('get', KEYS[1])
			if (current == false and ARGV[1] == '') or current == ARGV[1] then
			  redis.call('set', KEYS[1], ARGV[2], 'px', ARGV[3])
			  return {1}
			end
			if current == false then
			  return {0}
			end
			return {0, current}
			""");

	private static final byte[] ABSENT = new byte[0];

	private final LettuceCommands commands;

	private final ExpirationAfterWriteStrategy expiration;

	private final int maxRemembered;

	private final Map<Key, byte[]> remembered = new ConcurrentHashMap<>();

	RedisbootProxyManager(LettuceCommands commands, ExpirationAfterWriteStrategy expiration, int maxRemembered) {
		super(ClientSideConfig.getDefault().withExpirationAfterWriteStrategy(expiration));
		this.commands = commands;
		this.expiration = expiration;
		this.maxRemembered = maxRemembered;
	}

	@Override
	protected CompareAndSwapOperation beginCompareAndSwapOperation(byte[] key) {
		Key id = new Key(key);
		return new CompareAndSwapOperation() {

			@Override
			public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
				byte[] known = RedisbootProxyManager.this.remembered.get(id);
				if (known == null) {
					known = RedisbootProxyManager.this.commands.execute((redis) -> redis.get(key));
					remember(id, (known != null) ? known : ABSENT);
				}
				return (known != null && known.length > 0) ? Optional.of(known) : Optional.empty();
			}

			@Override
			public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState,
					Optional<Long> timeoutNanos) {
				return swap(id, key, originalData, newData, newState);
			}

		};
	}

	@Override
	protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(byte[] key) {
		CompareAndSwapOperation operation = beginCompareAndSwapOperation(key);
		return new AsyncCompareAndSwapOperation() {

			@Override
			public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
				return CompletableFuture.completedFuture(operation.getStateData(timeoutNanos));
			}

			@Override
			public CompletableFuture<Boolean> compareAndSwap(byte[] originalData, byte[] newData,
					RemoteBucketState newState, Optional<Long> timeoutNanos) {
				return CompletableFuture
					.completedFuture(operation.compareAndSwap(originalData, newData, newState, timeoutNanos));
			}

		};
	}

	@SuppressWarnings("unchecked")
	private boolean swap(Key id, byte[] key, byte @Nullable [] expected, byte[] newData, RemoteBucketState newState) {
		long ttl = Math.max(1, this.expiration.calculateTimeToLiveMillis(newState, currentTimeNanos()));
		List<Object> result;
		try {
			result = this.commands.evalsha(COMPARE_AND_SWAP, ScriptOutputType.MULTI, new byte[][] { key },
					(expected != null) ? expected : ABSENT, newData, Long.toString(ttl).getBytes());
		}
		catch (RuntimeException ex) {
			this.remembered.remove(id); // the outcome is unknown: read the state next time
			throw ex;
		}
		if (result != null && !result.isEmpty() && Long.valueOf(1).equals(result.get(0))) {
			remember(id, newData);
			return true;
		}
		// Redis holds another state: remember it, so that Bucket4j's retry needs no GET
		remember(id, (result != null && result.size() > 1) ? (byte[]) result.get(1) : ABSENT);
		return false;
	}

	private void remember(Key id, byte[] state) {
		if (this.remembered.size() >= this.maxRemembered) {
			this.remembered.clear();
		}
		this.remembered.put(id, state);
	}

	/**
	 * Forgets every remembered state, so that the next decision of each bucket reads Redis.
	 */
	void forget() {
		this.remembered.clear();
	}

	@Override
	public void removeProxy(byte[] key) {
		this.remembered.remove(new Key(key));
		this.commands.execute((redis) -> redis.del(key));
	}

	@Override
	protected CompletableFuture<Void> removeAsync(byte[] key) {
		removeProxy(key);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public boolean isAsyncModeSupported() {
		return false;
	}

	@Override
	public boolean isExpireAfterWriteSupported() {
		return true;
	}

	private record Key(byte[] bytes) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Key key && java.util.Arrays.equals(this.bytes, key.bytes);
		}

		@Override
		public int hashCode() {
			return java.util.Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return new String(this.bytes, java.nio.charset.StandardCharsets.UTF_8);
		}

	}

}
