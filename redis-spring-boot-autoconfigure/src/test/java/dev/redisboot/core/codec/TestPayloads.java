package dev.redisboot.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Payloads for the codec tests: JSON that compresses as cache values do, and random
 * bytes that do not compress.
 */
final class TestPayloads {

	private static final String[] WORDS = { "patient", "record", "admitted", "ward", "north", "blood", "pressure",
			"normal", "follow", "up", "in", "two", "weeks", "the", "and", "with", "no", "known", "allergies" };

	private TestPayloads() {
	}

	/**
	 * Return a JSON array of user-like records of exactly {@code size} bytes; the last
	 * record may be cut short.
	 */
	static byte[] json(int size) {
		SplittableRandom random = new SplittableRandom(size);
		StringBuilder json = new StringBuilder(size + 256).append('[');
		int id = 1;
		while (json.length() < size) {
			json.append("{\"id\":").append(id++).append(",\"name\":\"user").append(random.nextInt(100_000))
				.append("\",\"email\":\"user").append(random.nextInt(100_000)).append("@example.com\",\"active\":")
				.append(random.nextBoolean()).append(",\"notes\":\"");
			for (int i = 0; i < 8; i++) {
				json.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
			}
			json.append("\"},");
		}
		return Arrays.copyOf(json.toString().getBytes(StandardCharsets.UTF_8), size);
	}

	static byte[] random(int size) {
		byte[] bytes = new byte[size];
		new SplittableRandom(size).nextBytes(bytes);
		return bytes;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
