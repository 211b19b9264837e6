package dev.redisboot.actuate;

import java.util.List;
import java.util.Map;

import dev.redisboot.core.ConsoleSection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.Access;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code console} endpoint's page and data: only redisboot's meters, each endpoint's
 * access as configured, no write action offered without an access resolver.
 */
class ConsoleEndpointTests {

	@Test
	void thePageIsSelfContained() {
		String page = new ConsoleEndpoint(() -> null, null).page();
		assertThat(page).startsWith("<!DOCTYPE html>").contains("<script>", "<style>");
		assertThat(page).as("no external asset").doesNotContain("src=\"http", "href=\"http", "@import", "//cdn");
	}

	@Test
	@SuppressWarnings("unchecked")
	void dataHasRedisbootMetersAndEachEndpointsAccess() {
		MeterRegistry registry = new SimpleMeterRegistry();
		Counter.builder("redisboot.ratelimit.requests").tag("rule", "api").register(registry).increment(3);
		Counter.builder("http.server.requests").register(registry).increment();
		ConsoleEndpoint endpoint = new ConsoleEndpoint(() -> registry,
				(id, defaultAccess) -> id.toString().equals("redis") ? Access.UNRESTRICTED : Access.READ_ONLY);
		Map<String, Object> data = endpoint.data("data");
		assertThat((Map<String, String>) data.get("access")).containsEntry("redis", "UNRESTRICTED")
			.containsEntry("streams", "READ_ONLY")
			.containsEntry("principals", "READ_ONLY");
		List<Map<String, Object>> meters = (List<Map<String, Object>>) data.get("meters");
		assertThat(meters).singleElement().satisfies((meter) -> {
			assertThat(meter).containsEntry("name", "redisboot.ratelimit.requests")
				.containsEntry("tags", Map.of("rule", "api"));
			assertThat((Map<String, Double>) meter.get("values")).containsEntry("count", 3.0);
		});
		assertThat(endpoint.data("other")).isNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void unconfiguredEndpointsHaveTheirOwnDefaultOnlyRedisBeingUnrestricted() {
		Map<String, Object> data = new ConsoleEndpoint(() -> null, (id, defaultAccess) -> defaultAccess).data("data");
		assertThat((Map<String, String>) data.get("access")).containsEntry("redis", "UNRESTRICTED")
			.containsEntry("principals", "READ_ONLY")
			.containsEntry("streams", "READ_ONLY")
			.containsEntry("schedules", "READ_ONLY");
	}

	@Test
	@SuppressWarnings("unchecked")
	void dataHasTheFeaturesSections() {
		ConsoleSection section = new ConsoleSection() {

			@Override
			public String name() {
				return "rejectedClients";
			}

			@Override
			public Object data() {
				return Map.of("api", List.of("#digest"));
			}

		};
		Map<String, Object> data = new ConsoleEndpoint(() -> null, null, () -> List.of(section)).data("data");
		assertThat((Map<String, Object>) data.get("sections"))
			.isEqualTo(Map.of("rejectedClients", Map.of("api", List.of("#digest"))));
		assertThat((Map<String, Object>) new ConsoleEndpoint(() -> null, null).data("data").get("sections")).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void withoutAnAccessResolverEverythingIsReadOnly() {
		Map<String, Object> data = new ConsoleEndpoint(() -> null, null).data("data");
		assertThat(((Map<String, String>) data.get("access")).values()).containsOnly("READ_ONLY");
		assertThat((List<?>) data.get("meters")).isEmpty();
	}

}
