package dev.redisboot.stream;

import java.util.Locale;

/**
 * The priority of a job type ({@code redisboot.jobs.types.<type>.priority}): each priority
 * other than {@link #NORMAL} has a lane of its own, a stream beside the jobs stream
 * ({@code [prefix:]stream:{jobs}:high}, {@code …:low}) with consumers of its own on every
 * instance that runs jobs. A high-priority job therefore never waits behind a backlog of
 * normal or low ones, and low-priority jobs are never starved: they have their own
 * consumers, fewer by default ({@code redisboot.jobs.low-priority-concurrency}).
 *
 * @author redisboot
 */
public enum JobPriority {

	/** Its own lane, with {@code redisboot.jobs.high-priority-concurrency} consumers. */
	HIGH,

	/** The jobs stream itself, with {@code redisboot.jobs.concurrency} consumers. */
	NORMAL,

	/** Its own lane, with {@code redisboot.jobs.low-priority-concurrency} consumers. */
	LOW;

	/**
	 * Returns the name of the lane of this priority in a jobs stream: the stream's own name
	 * for {@link #NORMAL}, else the name with {@code #high} or {@code #low}, which
	 * {@link StreamKeys} maps to a key with the stream's hash tag.
	 * @param stream the jobs stream's name
	 * @return the lane's stream name
	 */
	public String lane(String stream) {
		return (this == NORMAL) ? stream : stream + StreamKeys.LANE_SEPARATOR + name().toLowerCase(Locale.ROOT);
	}

}
