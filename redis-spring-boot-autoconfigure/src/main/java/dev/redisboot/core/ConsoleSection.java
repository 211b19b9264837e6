package dev.redisboot.core;

/**
 * Data one redisboot feature shows on the operator console, declared as a bean by the
 * feature so that the {@code console} Actuator endpoint ({@code GET /actuator/console/data},
 * under {@code sections.<name>}) can show it without depending on the feature. The data must
 * be bounded, come from memory (or from bounded sampling the feature owns), and hold no
 * identity in clear: clients and users appear as {@link KeyDigester} digests.
 *
 * @author redisboot
 */
public interface ConsoleSection {

	/**
	 * The section's name, such as {@code rejectedClients}.
	 * @return the name
	 */
	String name();

	/**
	 * The section's data, serialized as JSON.
	 * @return the data
	 */
	Object data();

}
