package dev.redisboot.writebehind;

/**
 * The application's database write of a write-behind name: called by a job on some instance
 * with the latest value of a key, once per batch of writes to the key (only the last value is
 * written). Throwing retries the write with back-off ({@code redisboot.jobs.max-attempts}
 * attempts, then a dead letter with the reason). A write may run again after it succeeded (an
 * instance that stops between the write and the job's acknowledgement), so make it
 * idempotent: an upsert of the value, never an increment.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author redisboot
 */
@FunctionalInterface
public interface WriteBehindWriter<K, V> {

	/**
	 * Writes a key's latest value to the database.
	 * @param key the key
	 * @param value the value
	 * @throws Exception to retry the write later
	 */
	void write(K key, V value) throws Exception;

}
