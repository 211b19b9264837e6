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
 * <p>
 * Both ports lie below the kernel's ephemeral range ({@code ip_local_port_range}, 32768 and
 * up by default): a port in that range could be taken by any outgoing connection (a client
 * of the tests, of another build) between the check and the server's start, or while a
 * stopped server waits to start again on the same port.
 */
final class FreePorts {

	private static final Set<Integer> WELL_KNOWN = Set.of(6379, 16379, 26379, 36379);

	private static final Set<Integer> handedOut = new HashSet<>();

	private FreePorts() {
	}

	private static final int BUS_OFFSET = 10000;

	private static final int[] RANGE = range(ephemeralLow());

	static synchronized int next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = random.nextInt(RANGE[0], RANGE[1]);
			if (!WELL_KNOWN.contains(port) && !handedOut.contains(port) && canBind(port) && canBind(port + BUS_OFFSET)) {
				handedOut.add(port);
				return port;
			}
		}
		throw new IllegalStateException("No free loopback port found for a test Redis server");
	}

	/**
	 * Ports that, with their bus port, lie below the ephemeral range.
	 * @param ephemeralLow the first port of the kernel's ephemeral range
	 * @return the first port and the port after the last
	 */
	static int[] range(int ephemeralLow) {
		int high = ephemeralLow - BUS_OFFSET;
		int low = Math.max(1024, high - 12000);
		if (high - low < 2000) {
			// an unusual ephemeral range: fall back to a wide range and rely on the start retry
			return new int[] { 20000, 55000 };
		}
		return new int[] { low, high };
	}

	private static int ephemeralLow() {
		try {
			// readString trusts the file size, which /proc reports as 0: read lines instead
			String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
				.get(0);
			return Integer.parseInt(range.trim().split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return 32768; // Linux's default; macOS starts at 49152
		}
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
