package dev.redisboot.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.core.ConsoleSection;
import dev.redisboot.core.KeyDigester;
import org.jspecify.annotations.Nullable;

/**
 * The most rejected clients of each rule, as their display digests
 * ({@link KeyDigester#display(String)}, the same a user has on every console tab; never a
 * raw IP, user or API key): a space-saving top-k of
 * {@value #CAPACITY} entries per rule, in memory, started afresh every window (one minute by
 * default). A count may be overestimated by at most its {@code error} (a client that took
 * the place of an evicted one inherits its count); a client rejected more often than
 * {@code rejections / CAPACITY} of a window's rejections is always listed. Shown on the
 * operator console as the section {@value #SECTION}.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class RejectedClients implements ConsoleSection {

	/**
	 * The console section's name.
	 */
	public static final String SECTION = "rejectedClients";

	/**
	 * Most clients kept per rule.
	 */
	public static final int CAPACITY = 20;

	// rules are configured, so few; a caller inventing rule names cannot grow this without bound
	private static final int MAX_RULES = 1000;

	private final Clock clock;

	private final Duration window;

	private final Map<String, TopClients> rules = new ConcurrentHashMap<>();

	/**
	 * Creates the store with a window of one minute.
	 */
	public RejectedClients() {
		this(Clock.systemUTC(), Duration.ofMinutes(1));
	}

	/**
	 * Creates the store.
	 * @param clock the clock that starts windows
	 * @param window how long counts are kept before they start afresh
	 */
	public RejectedClients(Clock clock, Duration window) {
		this.clock = clock;
		this.window = window;
	}

	/**
	 * Counts a rejection.
	 * @param rule the rule's name
	 * @param client the client key's digest
	 */
	public void rejected(String rule, String client) {
		TopClients top = this.rules.get(rule);
		if (top == null) {
			if (this.rules.size() >= MAX_RULES) {
				return;
			}
			top = this.rules.computeIfAbsent(rule, (name) -> new TopClients());
		}
		top.add(client, this.clock.instant(), this.window);
	}

	/**
	 * The most rejected clients of each rule in the current window, most rejected first.
	 * @return per rule: {@code since} (the window's start) and {@code clients}, each with
	 * {@code client} (the digest), {@code rejections} and {@code error}
	 */
	public Map<String, Map<String, Object>> top() {
		Instant now = this.clock.instant();
		Map<String, Map<String, Object>> top = new LinkedHashMap<>();
		this.rules.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.forEach((entry) -> {
				Map<String, Object> rule = entry.getValue().snapshot(now, this.window);
				if (rule != null) {
					top.put(entry.getKey(), rule);
				}
			});
		return top;
	}

	@Override
	public String name() {
		return SECTION;
	}

	@Override
	public Object data() {
		return top();
	}

	private static final class TopClients {

		private final Map<String, long[]> counts = new HashMap<>();

		private Instant since = Instant.EPOCH;

		synchronized void add(String client, Instant now, Duration window) {
			roll(now, window);
			long[] count = this.counts.get(client);
			if (count != null) {
				count[0]++;
				return;
			}
			if (this.counts.size() < CAPACITY) {
				this.counts.put(client, new long[] { 1, 0 });
				return;
			}
			// space saving: the least counted client makes room, and the newcomer inherits its count
			Map.Entry<String, long[]> least = this.counts.entrySet()
				.stream()
				.min(Comparator.comparingLong((Map.Entry<String, long[]> entry) -> entry.getValue()[0]))
				.orElseThrow();
			long inherited = least.getValue()[0];
			this.counts.remove(least.getKey());
			this.counts.put(client, new long[] { inherited + 1, inherited });
		}

		synchronized @Nullable Map<String, Object> snapshot(Instant now, Duration window) {
			roll(now, window);
			if (this.counts.isEmpty()) {
				return null;
			}
			List<Map<String, Object>> clients = new ArrayList<>();
			this.counts.entrySet()
				.stream()
				.sorted(Comparator.comparingLong((Map.Entry<String, long[]> entry) -> entry.getValue()[0])
					.reversed()
					.thenComparing(Map.Entry::getKey))
				.forEach((entry) -> {
					Map<String, Object> client = new LinkedHashMap<>();
					client.put("client", entry.getKey());
					client.put("rejections", entry.getValue()[0]);
					client.put("error", entry.getValue()[1]);
					clients.add(client);
				});
			Map<String, Object> rule = new LinkedHashMap<>();
			rule.put("since", this.since.toString());
			rule.put("clients", clients);
			return rule;
		}

		private void roll(Instant now, Duration window) {
			if (!now.isBefore(this.since.plus(window))) {
				this.counts.clear();
				this.since = now;
			}
		}

	}

}
