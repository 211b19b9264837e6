package dev.redisboot.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one Redis server said to {@code INFO}, or why it could not be asked.
 *
 * @param node the node's name: {@code host:port}, or the master's name under Sentinel
 * @param info the {@code INFO} fields, or {@code null} if the node did not answer
 * @param error why the node did not answer, or {@code null}
 * @param infoRefused Redis's answer when the node answers {@code PING} but refuses
 * {@code INFO} to the connection's ACL user ({@code NOPERM}), or {@code null}
 * @author redisboot
 */
public record RedisNodeInfo(String node, @Nullable Map<String, String> info, @Nullable String error,
		@Nullable String infoRefused) {

	/**
	 * What a node said to {@code INFO}, or why it did not answer.
	 * @param node the node's name
	 * @param info the {@code INFO} fields, or {@code null}
	 * @param error why the node did not answer, or {@code null}
	 */
	public RedisNodeInfo(String node, @Nullable Map<String, String> info, @Nullable String error) {
		this(node, info, error, null);
	}

	/**
	 * Whether the node answered: to {@code INFO}, or to {@code PING} where {@code INFO} is
	 * refused.
	 * @return whether the node is up
	 */
	public boolean isUp() {
		return this.info != null || this.infoRefused != null;
	}

	/**
	 * Whether the node's {@code INFO} could be read.
	 * @return whether {@link #info()} is present
	 */
	public boolean isInfoReadable() {
		return this.info != null;
	}

	/**
	 * One field of {@code INFO}.
	 * @param field the field, such as {@code used_memory}
	 * @return its value, or {@code null}
	 */
	public @Nullable String get(String field) {
		return (this.info != null) ? this.info.get(field) : null;
	}

	/**
	 * One numeric field of {@code INFO}.
	 * @param field the field
	 * @return its value, or {@code NaN} if absent or not a number
	 */
	public double getDouble(String field) {
		return parseDouble(get(field));
	}

	/**
	 * Parses a number as {@code INFO} writes it.
	 * @param value the text, or {@code null}
	 * @return the number, or {@code NaN} if absent or not a number
	 */
	static double parseDouble(@Nullable String value) {
		if (value == null) {
			return Double.NaN;
		}
		try {
			return Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	/**
	 * One integer field of {@code INFO}.
	 * @param field the field
	 * @param fallback the value when absent or not an integer
	 * @return its value
	 */
	public long getLong(String field, long fallback) {
		String value = get(field);
		if (value == null) {
			return fallback;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	/**
	 * The node's replication role.
	 * @return {@code master}, {@code slave}, or {@code unknown}
	 */
	public String role() {
		String role = get("role");
		return (role != null) ? role : "unknown";
	}

	/**
	 * Whether the node is a replica.
	 * @return whether its role is {@code slave}
	 */
	public boolean isReplica() {
		return "slave".equals(role());
	}

	/**
	 * Used memory as a share of {@code maxmemory}.
	 * @return the percentage, or {@code NaN} when {@code maxmemory} is unset or unknown
	 */
	public double memoryUsagePercent() {
		double max = getDouble("maxmemory");
		double used = getDouble("used_memory");
		if (!(max > 0) || Double.isNaN(used)) {
			return Double.NaN;
		}
		return used * 100 / max;
	}

}
