package dev.redisboot.stream;

import java.util.Map;

/**
 * Processes one stream entry; returning normally acknowledges it.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface StreamHandler {

	/**
	 * Processes an entry.
	 * @param fields the entry's fields, {@code payload} among them
	 * @param delivery where the entry came from
	 * @throws Exception to have the entry retried (or dead-lettered after the last attempt);
	 * an {@link UnprocessableEntryException} dead-letters it at once
	 */
	void handle(Map<String, byte[]> fields, StreamDelivery delivery) throws Exception;

}
