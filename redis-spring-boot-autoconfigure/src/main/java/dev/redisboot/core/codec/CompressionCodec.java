package dev.redisboot.core.codec;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link ValueEnvelope} compresses payloads. The codec's id is written into every
 * compressed value, so a reader decompresses whatever a writer chose: switching the codec
 * or turning compression off needs no flush of existing values, provided the libraries of
 * the codecs still in Redis stay on the class path.
 *
 * @author redisboot
 */
public enum CompressionCodec {

	/**
	 * Do not compress.
	 */
	NONE(0, null),

	/**
	 * Zstandard, level 1, with {@code com.github.luben:zstd-jni}. On JSON cache values it
	 * stores 23 to 31 percent fewer bytes than LZ4 or Snappy, and decompresses 10 KiB in
	 * about 7 µs (see docs/benchmarks.md).
	 */
	ZSTD(1, "com.github.luben:zstd-jni");

	private final int id;

	private final @Nullable String library;

	CompressionCodec(int id, @Nullable String library) {
		this.id = id;
		this.library = library;
	}

	/**
	 * Return whether this codec can be used here: its library is on the class path and its
	 * native code, if any, loads on this platform. Always {@code true} for {@link #NONE}.
	 * @return whether the codec is available
	 */
	public boolean isAvailable() {
		try {
			checkAvailable();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * Check that this codec can be used here by compressing one byte with it.
	 * @throws IllegalStateException if its library is missing or does not load, with the
	 * library's failure as the cause
	 */
	void checkAvailable() {
		if (this == NONE) {
			return;
		}
		try {
			Compressor compressor = compressor();
			compressor.compress(new byte[] { 42 }, new byte[compressor.maxCompressedLength(1)], 0);
		}
		catch (LinkageError | RuntimeException ex) {
			throw new IllegalStateException("Compression codec " + this + " needs " + this.library
					+ " on the class path and a native library for " + System.getProperty("os.name") + "/"
					+ System.getProperty("os.arch") + " in it", ex);
		}
	}

	/**
	 * Return the id written into the header of values compressed with this codec.
	 * @return the id, {@code 0} for {@link #NONE}
	 */
	int id() {
		return this.id;
	}

	/**
	 * Return the Maven coordinates of the library this codec needs.
	 * @return {@code groupId:artifactId}, or {@code null} for {@link #NONE}
	 */
	@Nullable String library() {
		return this.library;
	}

	/**
	 * Return the compressor of this codec. Loads the codec's library on first use; throws
	 * {@link LinkageError} if it is missing.
	 * @return the compressor
	 * @throws IllegalStateException for {@link #NONE}
	 */
	Compressor compressor() {
		// A switch, not a field: the compressor class, and with it the library, is only
		// loaded when a value is actually compressed or decompressed with this codec
		return switch (this) {
			case ZSTD -> ZstdCompressor.INSTANCE;
			case NONE -> throw new IllegalStateException("NONE does not compress");
		};
	}

	/**
	 * Return the codec with the given header id.
	 * @param id the id read from a header
	 * @return the codec, or {@code null} if no codec other than {@link #NONE} has the id
	 */
	static @Nullable CompressionCodec forId(int id) {
		for (CompressionCodec codec : values()) {
			if (codec.id == id && codec != NONE) {
				return codec;
			}
		}
		return null;
	}

}
