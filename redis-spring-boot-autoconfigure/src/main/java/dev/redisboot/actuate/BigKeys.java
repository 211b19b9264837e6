package dev.redisboot.actuate;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The largest keys found by sampling with {@code SCAN} and {@code MEMORY USAGE}.
 *
 * @param keys the largest keys found, largest first
 * @param scanned how many keys were measured
 * @param complete whether every key was scanned; {@code false} when the time budget or the
 * key limit ended the scan first
 * @param elapsed how long the sampling took
 * @author redisboot
 */
public record BigKeys(List<Key> keys, long scanned, boolean complete, Duration elapsed) {

	/**
	 * One large key.
	 *
	 * @param key the key
	 * @param node the node holding it
	 * @param bytes its memory use as {@code MEMORY USAGE} estimates it
	 * @param type its type, or {@code null} if it disappeared meanwhile
	 */
	public record Key(String key, String node, long bytes, @Nullable String type) {

	}

}
