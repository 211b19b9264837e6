package dev.redisboot.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.redisboot.core.redis.LettuceCommands.Script;

/**
 * The Lua scripts of the session repository, read once from {@code dev/redisboot/session/*.lua}
 * (registered for native images by the auto-configuration's runtime hints) and run by their
 * SHA-1. Each file's header says what the script takes and returns.
 *
 * @author redisboot
 */
final class SessionScripts {

	/**
	 * The class path folder of the scripts.
	 */
	private static final String LOCATION = "dev/redisboot/session/";

	/**
	 * Writes a session's changed fields and slides its expiry; only a new session or one whose
	 * hash still exists is written.
	 */
	static final Script SAVE = load("save-session.lua");

	/**
	 * Adds a session to its principal's index and extends the index's life.
	 */
	static final Script INDEX = load("index-session.lua");

	/**
	 * Adds a session to the expiration set.
	 */
	static final Script ADD = load("add-expiration.lua");

	/**
	 * Deletes a session's hash under its old id, saying whether this call did.
	 */
	static final Script CLAIM = load("claim-session.lua");

	/**
	 * Deletes a key of another type than expected.
	 */
	static final Script REPAIR = load("repair-key.lua");

	private SessionScripts() {
	}

	/**
	 * Reads the scripts now, on the calling thread, if they were not read yet: a reactive
	 * application must not read them from the class path on an event loop at its first save.
	 */
	static void load() {
		// the class initializer has read them
	}

	private static Script load(String name) {
		try (InputStream input = SessionScripts.class.getClassLoader().getResourceAsStream(LOCATION + name)) {
			if (input == null) {
				throw new IllegalStateException("Missing " + LOCATION + name);
			}
			return Script.of(new String(input.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
