package dev.redisboot.cache.gadget;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A harmless stand-in for a deserialization gadget: a type outside the allowed packages
 * whose construction the tests can detect.
 */
public class Gadget {

	public static final AtomicBoolean created = new AtomicBoolean();

	public String command = "";

	public Gadget() {
		created.set(true);
	}

}
