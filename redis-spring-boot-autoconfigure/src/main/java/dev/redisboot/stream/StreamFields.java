package dev.redisboot.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of the entries redisboot writes, and how they are encoded: names and values are
 * UTF-8, a delayed entry is a JSON array of its field/value strings. The Lua scripts
 * ({@code dev/redisboot/stream/*.lua}) use the same names.
 *
 * @author redisboot
 */
final class StreamFields {

	/** Field with the payload, JSON. */
	static final String PAYLOAD = "payload";

	/** Field with the attempt number, from 1. */
	static final String ATTEMPT = "attempt";

	/** Field with a job's type. */
	static final String TYPE = "type";

	/** Field with a job's id. */
	static final String JOB = "job";

	/**
	 * Field of a job enqueued with a unique key: the key's digest, which names the Redis key
	 * released when the job finishes.
	 */
	static final String UNIQUE = "unique";

	/**
	 * Field of a job of a priority other than normal: {@code high} or {@code low}, the lane
	 * a delayed job or a retry moves into.
	 */
	static final String PRIORITY = "priority";

	/**
	 * Field of a job that its type's rate limit deferred: the start it reserved (epoch ms),
	 * so that it starts without another check.
	 */
	static final String RATE_SLOT = "rate-slot";

	/** Field naming the only group an entry is for (retries), absent for all groups. */
	static final String GROUP = "group";

	/** Field of a retry: the id of the entry that failed. */
	static final String RETRY_OF = "retry-of";

	/** Field of a dead letter: why it failed. */
	static final String ERROR = "error";

	/** Field of a dead letter: the id the entry had in the stream. */
	static final String SOURCE_ID = "source-id";

	/**
	 * Field of a dead letter that was an unreadable member of the delayed set: the member,
	 * cut to 64 KiB.
	 */
	static final String DELAYED_MEMBER = "delayed-member";

	/** Field of a dead letter: when it was given up, epoch milliseconds. */
	static final String FAILED_AT = "failed-at";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StreamFields() {
	}

	/**
	 * Returns an entry's fields by name.
	 * @param body the entry as Lettuce reads it
	 * @return the fields, in order
	 */
	static Map<String, byte[]> of(Map<byte[], byte[]> body) {
		Map<String, byte[]> fields = new LinkedHashMap<>();
		body.forEach((name, value) -> fields.put(string(name), value));
		return fields;
	}

	/**
	 * Returns the attempt an entry is on: 1 when the field is absent or unreadable.
	 * @param fields the entry's fields
	 * @return the attempt, at least 1
	 */
	static int attempt(Map<String, byte[]> fields) {
		byte[] attempt = fields.get(ATTEMPT);
		if (attempt == null) {
			return 1;
		}
		try {
			return Math.max(1, Integer.parseInt(string(attempt)));
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	/**
	 * An entry in the delayed set: a JSON array of field/value strings, unique because it
	 * holds the job id or the failed entry's id.
	 * @param fields the entry's fields
	 * @return the member
	 */
	static byte[] delayedMember(Map<String, byte[]> fields) {
		List<String> flat = new ArrayList<>();
		fields.forEach((name, value) -> {
			flat.add(name);
			flat.add(string(value));
		});
		return JSON.writeValueAsBytes(flat);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
