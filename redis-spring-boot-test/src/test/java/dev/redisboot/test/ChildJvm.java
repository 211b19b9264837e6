package dev.redisboot.test;

import java.util.concurrent.CountDownLatch;

/**
 * Main class of the child JVM in {@link ProcessCleanupIntegrationTests}: starts a local
 * server, reports its pid and directory, then ends as told without closing it.
 */
public final class ChildJvm {

	private ChildJvm() {
	}

	public static void main(String[] args) throws Exception {
		StandaloneRedis redis = StandaloneRedis.start(RedisBackend.LOCAL);
		LocalRedisServer server = (LocalRedisServer) redis.node();
		System.out.println("STARTED " + server.pid() + " " + server.directory());
		System.out.flush();
		switch (args[0]) {
			case "exit" -> System.exit(0);
			case "uncaught" -> throw new IllegalStateException("test ends with an uncaught exception");
			default -> new CountDownLatch(1).await();
		}
	}

}
