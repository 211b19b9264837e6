package dev.redisboot.actuate;

import java.util.List;

/**
 * One piece of advice about how Redis is set up for what the application stores in it.
 *
 * @param rule the rule's id, such as {@code maxmemory-unset}
 * @param severity how much it matters
 * @param message what is wrong, why it matters and what to do
 * @param nodes the nodes it applies to; empty when it concerns the application's connection
 * @author redisboot
 */
public record RedisAdvice(String rule, Severity severity, String message, List<String> nodes) {

	/**
	 * How much a piece of advice matters.
	 */
	public enum Severity {

		/**
		 * Data can be lost or Redis can stop serving: fix it before production.
		 */
		WARNING,

		/**
		 * Worth knowing; fix it when convenient.
		 */
		INFO,

		/**
		 * The rule could not be checked, typically because the connection's ACL user may not
		 * run the command it needs; the message says which and why.
		 */
		UNCHECKED

	}

}
