package dev.redisboot.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out free loopback ports. A port is only handed out when it and the port 10000 above
 * it (the Redis Cluster bus port) can both be bound, never twice in one JVM, and never one of
 * the well-known Redis ports, so a Redis already listening on 6379 is never touched.
 */
final class FreePorts {

	private static final Set<Integer> WELL_KNOWN = Set.of(6379, 16379, 26379, 36379);

	private static final Set<Integer> handedOut = new HashSet<>();

	private FreePorts() {
	}

	static synchronized int next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = random.nextInt(20000, 55000);
			if (!WELL_KNOWN.contains(port) && !handedOut.contains(port) && canBind(port) && canBind(port + 10000)) {
				handedOut.add(port);
				return port;
			}
		}
		throw new IllegalStateException("No free loopback port found for a test Redis server");
	}

	static boolean canBind(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
