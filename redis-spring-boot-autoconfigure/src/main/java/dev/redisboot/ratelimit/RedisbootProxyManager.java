package dev.redisboot.ratelimit;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.RedisCommandException;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.CommandResult;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.distributed.remote.Request;
import io.github.bucket4j.distributed.serialization.DataOutputSerializationAdapter;
import io.github.bucket4j.distributed.serialization.DeserializationAdapter;
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
 * Bad state in a bucket key (bytes that are no Bucket4j state, a state Bucket4j fails on, or
 * a key of another Redis type) is never handed on or remembered: the decision treats the
 * bucket as absent and swaps a fresh bucket in place of exactly the bad value it found, so a
 * concurrent repair by another instance wins or loses the swap as any other update would.
 * The {@link Access} of the decision says so afterwards.
 * <p>
 * The remembered states are bounded; when full, the memory is dropped and the next decision
 * for each bucket reads it again ({@code GET}, two round trips).
 */
final class RedisbootProxyManager extends AbstractCompareAndSwapBasedProxyManager<RedisbootProxyManager.Access> {

	/**
	 * Sets {@code ARGV[2]} with expiry {@code ARGV[3]} ms if the key holds {@code ARGV[1]}
	 * ({@code ''} for no key), and returns {@code {1}}; otherwise {@code {0, current}}, or
	 * {@code {0}} when there is no key. A key of another type gives {@code {2}}, or is
	 * replaced when {@code ARGV[4]} is {@code 1} (the caller saw that type and wants a fresh
	 * bucket). {@code pcall}, so that a wrong type costs nothing on the normal path.
	 */
	static final Script COMPARE_AND_SWAP = Script.of("""
			local current = redis.pcall('get', KEYS[1])
			if type(current) == 'table' then
			  if string.sub(current.err or '', 1, 9) ~= 'WRONGTYPE' then
			    return redis.error_reply(current.err or 'ERR bucket read failed')
			  end
			  if ARGV[4] ~= '1' then
			    return {2}
			  end
			  current = false
			end
			if (current == false and (ARGV[1] == '' or ARGV[4] == '1')) or current == ARGV[1] then
			  redis.call('set', KEYS[1], ARGV[2], 'px', ARGV[3])
			  return {1}
			end
			if current == false then
			  return {0}
			end
			return {0, current}
			""");

	/**
	 * Largest bucket state accepted from Redis. A state of a rule with a few limits is about
	 * 100 bytes per limit; the bound keeps any length Bucket4j reads from a bad value small.
	 */
	static final int MAX_STATE_BYTES = 16 * 1024;

	private static final byte[] ABSENT = new byte[0];

	// a key of another Redis type; compared by identity
	private static final byte[] WRONG_TYPE = new byte[0];

	private static final byte[] NO_FLAG = new byte[0];

	private static final byte[] REPLACE_WRONG_TYPE = { '1' };

	private final LettuceCommands commands;

	private final ExpirationAfterWriteStrategy expiration;

	private final int maxRemembered;

	// only states that decode, or ABSENT: bad state never enters
	private final Map<Key, byte[]> remembered = new ConcurrentHashMap<>();

	RedisbootProxyManager(LettuceCommands commands, ExpirationAfterWriteStrategy expiration, int maxRemembered) {
		super(ClientSideConfig.getDefault().withExpirationAfterWriteStrategy(expiration));
		this.commands = commands;
		this.expiration = expiration;
		this.maxRemembered = maxRemembered;
	}

	@Override
	public <T> CommandResult<T> execute(Access access, Request<T> request) {
		try {
			return super.execute(access, request);
		}
		catch (RedisCommandException ex) {
			this.remembered.remove(access.id); // the outcome is unknown: read the state next time
			throw ex;
		}
		catch (RuntimeException ex) {
			// Bucket4j failed on a state that decoded (inconsistent arrays, impossible numbers):
			// that exact value is bad, decide once more on a fresh bucket in its place
			byte[] served = access.served;
			this.remembered.remove(access.id);
			if (served == null || access.distrusted != null) {
				throw ex;
			}
			access.distrusted = served;
			return super.execute(access, request);
		}
	}

	@Override
	protected CompareAndSwapOperation beginCompareAndSwapOperation(Access access) {
		return new Operation(access);
	}

	@Override
	protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(Access access) {
		CompareAndSwapOperation operation = beginCompareAndSwapOperation(access);
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

	private void remember(Key id, byte[] state) {
		if (this.remembered.size() >= this.maxRemembered) {
			this.remembered.clear();
		}
		this.remembered.put(id, state);
	}

	/**
	 * Forgets the remembered state of a bucket, so that its next decision reads Redis.
	 * @param access the bucket
	 */
	void forget(Access access) {
		this.remembered.remove(access.id);
	}

	/**
	 * Forgets every remembered state, so that the next decision of each bucket reads Redis.
	 */
	void forget() {
		this.remembered.clear();
	}

	/**
	 * How many bucket states are remembered.
	 * @return the number
	 */
	int remembered() {
		return this.remembered.size();
	}

	@Override
	public void removeProxy(Access access) {
		this.remembered.remove(access.id);
		this.commands.execute((redis) -> redis.del(access.key));
	}

	@Override
	protected CompletableFuture<Void> removeAsync(Access access) {
		removeProxy(access);
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

	/**
	 * Whether bytes from Redis are a bucket state Bucket4j can decode, read with every length
	 * bounded by the bytes there are, so that no bad value makes it allocate more than that.
	 * @param state the bytes
	 * @return whether they decode
	 */
	static boolean decodes(byte[] state) {
		if (state.length == 0 || state.length > MAX_STATE_BYTES) {
			return false;
		}
		try {
			DataInputStream input = new DataInputStream(new ByteArrayInputStream(state));
			RemoteBucketState.SERIALIZATION_HANDLE.deserialize(new BoundedAdapter(input), input);
			return input.available() == 0;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * One decision on one bucket: the proxy manager's key, which also carries what the
	 * decision found. Not shared between decisions or threads.
	 */
	static final class Access {

		final byte[] key;

		final Key id;

		// the raw state last handed to Bucket4j, and one that Bucket4j failed on
		byte @Nullable [] served;

		byte @Nullable [] distrusted;

		// bad state found by one execute, for the next execute of the same decision (no second GET)
		byte @Nullable [] carried;

		volatile boolean badStateReplaced;

		Access(byte[] key) {
			this.key = key;
			this.id = new Key(key);
		}

		/**
		 * Whether the decision found bad state in Redis (and decided on a fresh bucket in its
		 * place).
		 * @return whether bad state was found
		 */
		boolean foundBadState() {
			return this.badStateReplaced;
		}

	}

	/**
	 * One {@code execute} of Bucket4j: reads (or recalls) the state, then swaps.
	 */
	private final class Operation implements CompareAndSwapOperation {

		private final Access access;

		// what Redis held when last looked at (a failed swap returns it): ABSENT, WRONG_TYPE or bytes
		private byte @Nullable [] pending;

		// the value Redis holds behind an empty state handed to Bucket4j: ABSENT, WRONG_TYPE or bad bytes
		private byte[] absentAs = ABSENT;

		Operation(Access access) {
			this.access = access;
		}

		@Override
		public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
			byte[] found = this.pending;
			this.pending = null;
			if (found == null) {
				found = this.access.carried;
				this.access.carried = null;
			}
			if (found == null) {
				found = RedisbootProxyManager.this.remembered.get(this.access.id);
			}
			if (found == null) {
				found = read();
			}
			this.access.served = null;
			this.absentAs = ABSENT;
			if (found == WRONG_TYPE || (found.length > 0 && (!decodes(found)
					|| (this.access.distrusted != null && Arrays.equals(found, this.access.distrusted))))) {
				// bad state: a fresh bucket in its place, never remembered
				RedisbootProxyManager.this.remembered.remove(this.access.id);
				this.access.badStateReplaced = true;
				this.access.carried = found;
				this.absentAs = found;
				return Optional.empty();
			}
			remember(this.access.id, found);
			if (found.length == 0) {
				return Optional.empty();
			}
			this.access.served = found;
			return Optional.of(found);
		}

		private byte[] read() {
			try {
				byte[] state = RedisbootProxyManager.this.commands.execute((redis) -> redis.get(this.access.key));
				return (state != null) ? state : ABSENT;
			}
			catch (RedisCommandException ex) {
				if (ex.isCommandError() && ex.getCause() != null && ex.getCause().getMessage() != null
						&& ex.getCause().getMessage().startsWith("WRONGTYPE")) {
					return WRONG_TYPE;
				}
				throw ex;
			}
		}

		@Override
		@SuppressWarnings("unchecked")
		public boolean compareAndSwap(byte @Nullable [] originalData, byte[] newData, RemoteBucketState newState,
				Optional<Long> timeoutNanos) {
			byte[] expected = (originalData != null) ? originalData
					: (this.absentAs == WRONG_TYPE) ? ABSENT : this.absentAs;
			long ttl = Math.max(1, RedisbootProxyManager.this.expiration.calculateTimeToLiveMillis(newState,
					currentTimeNanos()));
			List<Object> result;
			try {
				result = RedisbootProxyManager.this.commands.evalsha(COMPARE_AND_SWAP, ScriptOutputType.MULTI,
						new byte[][] { this.access.key }, expected, newData,
						Long.toString(ttl).getBytes(StandardCharsets.US_ASCII),
						(this.absentAs == WRONG_TYPE) ? REPLACE_WRONG_TYPE : NO_FLAG);
			}
			catch (RuntimeException ex) {
				RedisbootProxyManager.this.remembered.remove(this.access.id);
				throw ex;
			}
			Object outcome = (result != null && !result.isEmpty()) ? result.get(0) : null;
			this.access.carried = null;
			if (Long.valueOf(1).equals(outcome)) {
				remember(this.access.id, newData);
				return true;
			}
			// Redis holds another state: Bucket4j's retry gets it without a GET
			RedisbootProxyManager.this.remembered.remove(this.access.id);
			this.pending = Long.valueOf(2).equals(outcome) ? WRONG_TYPE
					: (result != null && result.size() > 1 && result.get(1) instanceof byte[] current) ? current
							: ABSENT;
			return false;
		}

	}

	/**
	 * Bucket4j's binary format with every count checked against the bytes left before
	 * anything is allocated: no integer Bucket4j reads from a bucket state is negative or
	 * larger than the state itself.
	 */
	private static final class BoundedAdapter implements DeserializationAdapter<DataInput> {

		private static final DataOutputSerializationAdapter delegate = DataOutputSerializationAdapter.INSTANCE;

		private final DataInputStream input;

		BoundedAdapter(DataInputStream input) {
			this.input = input;
		}

		@Override
		public boolean readBoolean(DataInput source) throws IOException {
			return delegate.readBoolean(source);
		}

		@Override
		public byte readByte(DataInput source) throws IOException {
			return delegate.readByte(source);
		}

		@Override
		public int readInt(DataInput source) throws IOException {
			int value = delegate.readInt(source);
			if (value < 0 || value > MAX_STATE_BYTES) {
				throw new IOException("Implausible number in a bucket state");
			}
			return value;
		}

		@Override
		public long readLong(DataInput source) throws IOException {
			return delegate.readLong(source);
		}

		@Override
		public long[] readLongArray(DataInput source) throws IOException {
			checkLength(source, Long.BYTES);
			return delegate.readLongArray(this.input);
		}

		@Override
		public double[] readDoubleArray(DataInput source) throws IOException {
			checkLength(source, Double.BYTES);
			return delegate.readDoubleArray(this.input);
		}

		@Override
		public String readString(DataInput source) throws IOException {
			return delegate.readString(source);
		}

		private void checkLength(DataInput source, int elementBytes) throws IOException {
			this.input.mark(Integer.BYTES);
			int size = source.readInt();
			this.input.reset();
			if (size < 0 || (long) size * elementBytes > this.input.available() - Integer.BYTES) {
				throw new IOException("Implausible array length in a bucket state");
			}
		}

	}

	private record Key(byte[] bytes) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Key key && Arrays.equals(this.bytes, key.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return "Key[" + this.bytes.length + " bytes]";
		}

	}

}
