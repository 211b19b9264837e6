package dev.redisboot.core.codec;

/**
 * One-shot compression of whole byte arrays, as a {@link CompressionCodec} performs it.
 * Implementations are stateless and thread-safe. They may throw any
 * {@link RuntimeException} or {@link LinkageError} (a missing library or native code): the
 * {@link ValueEnvelope} translates those at its boundary.
 *
 * @author redisboot
 */
interface Compressor {

	/**
	 * Return the largest number of bytes that compressing {@code length} bytes can produce.
	 * @param length the input length
	 * @return the bound
	 */
	int maxCompressedLength(int length);

	/**
	 * Compress all of {@code source} into {@code target} from {@code targetOffset}, which
	 * has room for {@link #maxCompressedLength(int)} bytes.
	 * @param source the bytes to compress
	 * @param target the array to write to
	 * @param targetOffset where to start writing
	 * @return the number of bytes written
	 */
	int compress(byte[] source, byte[] target, int targetOffset);

	/**
	 * Decompress {@code length} bytes of {@code source} from {@code offset} into the whole
	 * of {@code target}, whose length is the expected uncompressed length.
	 * @param source the compressed bytes
	 * @param offset where they start
	 * @param length how many there are
	 * @param target the array to fill
	 * @throws IllegalStateException if the input is corrupt or does not decompress to
	 * exactly {@code target.length} bytes
	 */
	void decompress(byte[] source, int offset, int length, byte[] target);

}
