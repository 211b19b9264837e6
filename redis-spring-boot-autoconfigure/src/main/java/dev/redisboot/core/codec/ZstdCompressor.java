package dev.redisboot.core.codec;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

/**
 * {@link Compressor} for {@link CompressionCodec#ZSTD}, backed by zstd-jni, whose jar
 * ships the native library for Linux (glibc), macOS and Windows. Writes standard zstd
 * frames, so a stored body can be inspected with the {@code zstd} command line tool.
 * <p>
 * Native compression and decompression contexts are pooled: creating one costs about
 * 10 µs, more than compressing or decompressing a 1 KiB value with it. A context is used
 * by one thread at a time; when more threads need one than the pool holds, extra contexts
 * are created and closed after use.
 * <p>
 * Only loaded when first used: a missing zstd-jni surfaces as a {@link LinkageError} at
 * that point, not when {@link CompressionCodec} is loaded.
 *
 * @author redisboot
 */
final class ZstdCompressor implements Compressor {

	// Level 1: on JSON cache values the default level 3 saves at most 3.3 percent more
	// bytes but takes 10 to 24 percent longer to compress (see docs/benchmarks.md)
	private static final int LEVEL = 1;

	private static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

	// After POOL_SIZE: static fields are initialized in order
	static final ZstdCompressor INSTANCE = new ZstdCompressor();

	private final ContextPool<ZstdCompressCtx> compressContexts = new ContextPool<>(
			() -> new ZstdCompressCtx().setLevel(LEVEL));

	private final ContextPool<ZstdDecompressCtx> decompressContexts = new ContextPool<>(ZstdDecompressCtx::new);

	private ZstdCompressor() {
	}

	@Override
	public int maxCompressedLength(int length) {
		long bound = Zstd.compressBound(length);
		if (bound > Integer.MAX_VALUE - 64) {
			throw new IllegalArgumentException("Payload of " + length + " bytes is too large to compress");
		}
		return (int) bound;
	}

	@Override
	public int compress(byte[] source, byte[] target, int targetOffset) {
		ZstdCompressCtx context = this.compressContexts.borrow();
		int written;
		try {
			written = context.compressByteArray(target, targetOffset, target.length - targetOffset, source, 0,
					source.length);
		}
		catch (RuntimeException ex) {
			this.compressContexts.discard(context);
			throw ex;
		}
		this.compressContexts.release(context);
		return written;
	}

	@Override
	public void decompress(byte[] source, int offset, int length, byte[] target) {
		ZstdDecompressCtx context = this.decompressContexts.borrow();
		int written;
		try {
			written = context.decompressByteArray(target, 0, target.length, source, offset, length);
		}
		catch (RuntimeException ex) {
			// Corrupt input: a context in an unknown state is not reused
			this.decompressContexts.discard(context);
			throw ex;
		}
		this.decompressContexts.release(context);
		if (written != target.length) {
			throw new IllegalStateException(
					"zstd decompressed to " + written + " bytes, the header says " + target.length);
		}
	}

	/**
	 * A bounded pool of native contexts. Contexts hold native memory that only
	 * {@code close()} frees, so a context that does not fit into the pool is closed.
	 */
	private static final class ContextPool<T extends AutoCloseable> {

		private final Supplier<T> factory;

		private final BlockingQueue<T> idle = new ArrayBlockingQueue<>(POOL_SIZE);

		ContextPool(Supplier<T> factory) {
			this.factory = factory;
		}

		T borrow() {
			T context = this.idle.poll();
			return (context != null) ? context : this.factory.get();
		}

		void release(T context) {
			if (!this.idle.offer(context)) {
				discard(context);
			}
		}

		void discard(T context) {
			try {
				context.close();
			}
			catch (Exception ex) {
				// zstd-jni's close() only frees native memory; nothing else to do
			}
		}

	}

}
