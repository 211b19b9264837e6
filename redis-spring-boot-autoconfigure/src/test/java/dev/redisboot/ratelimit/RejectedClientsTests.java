package dev.redisboot.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RejectedClients}: bounded per rule, the heavy hitters listed first with
 * their counts, afresh each window.
 */
class RejectedClientsTests {

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T14:00:00Z"));

	private final RejectedClients clients = new RejectedClients(new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return RejectedClientsTests.this.now.get();
		}

	}, Duration.ofMinutes(1));

	@Test
	void keepsAtMostTwentyClientsPerRuleWithTheHeavyHittersFirst() {
		for (int i = 0; i < 500; i++) {
			this.clients.rejected("api", "#heavy");
			this.clients.rejected("api", "#client-" + i); // 500 one-off clients churn through the rest
			if (i % 2 == 0) {
				this.clients.rejected("api", "#second");
			}
		}
		this.clients.rejected("login", "#other");
		Map<String, Map<String, Object>> top = this.clients.top();
		assertThat(top).containsOnlyKeys("api", "login");
		List<Map<String, Object>> api = clients(top, "api");
		assertThat(api).hasSize(RejectedClients.CAPACITY);
		assertThat(api.get(0)).containsEntry("client", "#heavy").containsEntry("rejections", 500L);
		assertThat(api.get(1)).containsEntry("client", "#second");
		assertThat((Long) api.get(1).get("rejections")).as("at most overestimated by its error")
			.isGreaterThanOrEqualTo(250L)
			.isLessThanOrEqualTo(250L + (Long) api.get(1).get("error"));
		assertThat(clients(top, "login")).singleElement().isEqualTo(Map.of("client", "#other", "rejections", 1L,
				"error", 0L));
		assertThat(top.get("api")).containsEntry("since", "2026-12-02T14:00:00Z");
	}

	@Test
	void startsAfreshEachWindow() {
		this.clients.rejected("api", "#a");
		this.now.set(this.now.get().plusSeconds(59));
		this.clients.rejected("api", "#a");
		assertThat(clients(this.clients.top(), "api")).singleElement().satisfies(
				(client) -> assertThat(client).containsEntry("rejections", 2L));
		this.now.set(this.now.get().plusSeconds(1));
		assertThat(this.clients.top()).as("a quiet window shows no rule").isEmpty();
		this.clients.rejected("api", "#b");
		assertThat(clients(this.clients.top(), "api")).singleElement().satisfies(
				(client) -> assertThat(client).containsEntry("client", "#b").containsEntry("rejections", 1L));
		assertThat(this.clients.name()).isEqualTo("rejectedClients");
		assertThat(this.clients.data()).isEqualTo(this.clients.top());
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> clients(Map<String, Map<String, Object>> top, String rule) {
		return (List<Map<String, Object>>) top.get(rule).get("clients");
	}

}
