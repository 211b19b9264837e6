package dev.redisboot.core.codec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link CompressionCodec}.
 */
class CompressionCodecTests {

	@Test
	void idsAreStableBecauseTheyAreStoredInRedis() {
		assertThat(CompressionCodec.NONE.id()).isZero();
		assertThat(CompressionCodec.ZSTD.id()).isEqualTo(1);
	}

	@Test
	void forIdFindsCompressingCodecsOnly() {
		assertThat(CompressionCodec.forId(1)).isEqualTo(CompressionCodec.ZSTD);
		assertThat(CompressionCodec.forId(0)).isNull();
		assertThat(CompressionCodec.forId(2)).isNull();
		assertThat(CompressionCodec.forId(255)).isNull();
	}

	@Test
	void zstdIsAvailableWithZstdJniOnTheClassPath() {
		assertThat(CompressionCodec.ZSTD.isAvailable()).isTrue();
		assertThat(CompressionCodec.NONE.isAvailable()).isTrue();
		assertThat(CompressionCodec.ZSTD.library()).isEqualTo("com.github.luben:zstd-jni");
	}

	@Test
	void noneHasNoCompressor() {
		assertThatIllegalStateException().isThrownBy(CompressionCodec.NONE::compressor);
	}

	@Test
	void withoutZstdJniZstdIsUnavailableAndItsValuesAreDecodingFailures() throws Exception {
		byte[] compressed = ValueEnvelope.defaults()
			.withCompression(CompressionCodec.ZSTD, 0)
			.encode(TestPayloads.json(4096), new byte[0]);
		byte[] plain = ValueEnvelope.defaults().encode(TestPayloads.json(4096), new byte[0]);
		try (URLClassLoader classLoader = withoutZstdJni()) {
			Class<?> codecClass = classLoader.loadClass(CompressionCodec.class.getName());
			Object zstd = codecClass.getField("ZSTD").get(null);
			assertThat(codecClass.getMethod("isAvailable").invoke(zstd)).isEqualTo(false);
			Class<?> envelopeClass = classLoader.loadClass(ValueEnvelope.class.getName());
			assertThat(envelopeClass).isNotSameAs(ValueEnvelope.class);
			Object envelope = envelopeClass.getMethod("defaults").invoke(null);
			Method withCompression = envelopeClass.getMethod("withCompression", codecClass, int.class);
			assertThat(invocationFailure(() -> withCompression.invoke(envelope, zstd, 1024)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageStartingWith("Compression codec ZSTD needs com.github.luben:zstd-jni on the class path")
				.hasCauseInstanceOf(NoClassDefFoundError.class);
			Method decode = envelopeClass.getMethod("decode", byte[].class, byte[].class);
			assertThat(decode.invoke(envelope, plain, new byte[0])).isEqualTo(TestPayloads.json(4096));
			Throwable failure = invocationFailure(() -> decode.invoke(envelope, compressed, new byte[0]));
			assertThat(failure.getClass().getName()).isEqualTo(ValueDecodingException.class.getName());
			assertThat(failure).hasMessage("Value is compressed with ZSTD but com.github.luben:zstd-jni is missing "
					+ "or its native library does not load here");
			assertThat(failure.getClass().getMethod("getReason").invoke(failure)).hasToString("UNSUPPORTED_CODEC");
		}
	}

	private static URLClassLoader withoutZstdJni() {
		URL classes = CompressionCodec.class.getProtectionDomain().getCodeSource().getLocation();
		// The codec package is hidden from the parent too, so that it is loaded again, from
		// this loader, where zstd-jni cannot be seen
		FilteredClassLoader parent = new FilteredClassLoader("com.github.luben.", "dev.redisboot.core.codec.");
		return new URLClassLoader(new URL[] { classes }, parent);
	}

	private static Throwable invocationFailure(ReflectiveCall call) {
		try {
			call.invoke();
		}
		catch (InvocationTargetException ex) {
			return ex.getCause();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
		throw new AssertionError("Expected the call to fail");
	}

	@FunctionalInterface
	private interface ReflectiveCall {

		Object invoke() throws ReflectiveOperationException;

	}

}
