package dev.redisboot.test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code DEBUG SLEEP} on a node in the background, returning once the command has been
 * sent so the caller knows the server is busy.
 */
final class Sleeper {

	private Sleeper() {
	}

	static void sleep(RedisNode node, Duration duration) {
		CountDownLatch sent = new CountDownLatch(1);
		String seconds = String.format(java.util.Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
		Thread thread = new Thread(() -> {
			try (RespConnection connection = RespConnection.open(node.host(), node.port(),
					duration.plusSeconds(10))) {
				connection.send("DEBUG", "SLEEP", seconds);
				sent.countDown();
				connection.readReply("DEBUG");
			}
			catch (RuntimeException ex) {
				sent.countDown();
			}
		}, "redisboot-test-debug-sleep-" + node.name());
		thread.setDaemon(true);
		thread.start();
		try {
			sent.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
