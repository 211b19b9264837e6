package dev.redisboot.sample;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.session.UserSessions;
import dev.redisboot.session.RedisbootSessionRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Checks the operations documents in {@code docs/operations}: the Grafana dashboard
 * ({@code grafana-dashboard.json}) and the Prometheus alerting rules
 * ({@code prometheus-alerts.yml}, with their unit tests in
 * {@code prometheus-alerts.test.yml}).
 * <ul>
 * <li>the dashboard is an importable Grafana dashboard whose panels all query the
 * Prometheus data source chosen in its {@code datasource} variable;</li>
 * <li>every alert has an expression, a duration, a severity, a summary and a description,
 * and fires in the unit tests;</li>
 * <li>{@code promtool} accepts the rules, every query of the dashboard (written as
 * recording rules, with Grafana's variables filled in) and runs the rules' unit tests. It
 * must be on the {@code PATH} (Debian package {@code prometheus}): without it these tests
 * fail, they are never skipped;</li>
 * <li>every metric the dashboard and the rules read is exported on
 * {@code /actuator/prometheus} by this application once its features have been used, so
 * that no panel or alert stays silently empty because of a misspelled or renamed
 * metric.</li>
 * </ul>
 * A context of its own, with a key prefix of its own (its caches, sessions and jobs are not
 * those of the other contexts on the same Redis), the Redis command latency timer on and
 * the stream gauges refreshed every second.
 *
 * @author redisboot
 */
@SampleApplicationTest
@TestPropertySource(properties = { "redisboot.key-prefix=sample-operations-docs-test",
		"redisboot.observability.command-latency.enabled=true", "redisboot.stream.stats-interval=1s" })
class OperationsDocsIntegrationTests {

	private static final String DASHBOARD = "grafana-dashboard.json";

	private static final String ALERTS = "prometheus-alerts.yml";

	private static final String ALERT_TESTS = "prometheus-alerts.test.yml";

	private static final Map<String, Object> PROMETHEUS_DATASOURCE = Map.of("type", "prometheus", "uid",
			"${datasource}");

	/**
	 * The alerts the rules must have, with a metric each must read.
	 */
	private static final Map<String, String> REQUIRED_ALERTS = Map.of("RedisDown", "redis_up", "RedisMemoryHigh",
			"redis_memory_max_bytes", "RedisEvictionsRising", "redis_evicted_keys_total", "CacheHitRatioLow",
			"cache_gets_total", "RateLimitRejectionsSpiking", "redisboot_ratelimit_requests_total",
			"StreamDeadLettersGrowing", "redisboot_stream_dead_letters", "StreamLagHigh", "redisboot_stream_lag",
			"RecurringJobMissed", "redisboot_schedule_fires_total", "RecurringJobLate",
			"redisboot_schedule_lateness_seconds_max", "RecurringJobFailing", "redisboot_schedule_fires_total");

	/**
	 * The write-behind alerts, with a metric each must read (the sample writes product views
	 * behind).
	 */
	private static final Map<String, String> REQUIRED_WRITE_BEHIND_ALERTS = Map.of("WriteBehindLagging",
			"redisboot_writebehind_oldest_seconds", "WriteBehindFailing", "redisboot_writebehind_failed_total");

	/**
	 * The write-behind metrics the dashboard must show.
	 */
	private static final Set<String> REQUIRED_WRITE_BEHIND_METRICS = Set.of("redisboot_writebehind_queued_total",
			"redisboot_writebehind_coalesced_total", "redisboot_writebehind_written_total",
			"redisboot_writebehind_failed_total", "redisboot_writebehind_pending", "redisboot_writebehind_oldest_seconds",
			"redisboot_writebehind_lag_seconds_max");

	/**
	 * Metrics the dashboard must show.
	 */
	private static final Set<String> REQUIRED_DASHBOARD_METRICS = Set.of("cache_gets_total", "cache_puts_total",
			"cache_evictions_total", "cache_load_seconds_sum", "cache_load_seconds_count",
			"redisboot_ratelimit_requests_total", "redisboot_sessions_active", "redisboot_sessions_creations_total",
			"redisboot_sessions_expired_total", "redisboot_sessions_revoked_total",
			"redisboot_sessions_deserialization_failures_total", "redisboot_stream_lag", "redisboot_stream_pending",
			"redisboot_stream_delayed", "redisboot_stream_dead_letters", "redisboot_stream_messages_total",
			"redisboot_stream_processing_seconds_sum", "redis_up", "redis_memory_used_bytes", "redis_memory_max_bytes",
			"redis_memory_used_rss_bytes", "redis_mem_fragmentation_ratio", "redis_evicted_keys_total",
			"redis_expired_keys_total", "redis_keyspace_hits_total", "redis_keyspace_misses_total",
			"redis_connected_clients", "redis_blocked_clients", "redis_commands_processed_total",
			"redis_master_repl_offset", "redis_connected_slave_lag_seconds", "redis_client_commands_seconds_bucket",
			"redisboot_schedule_fires_total", "redisboot_schedule_lateness_seconds_max", "redisboot_schedule_paused");

	/**
	 * Metrics that only a replicated deployment exports: the lag of each replica, which a
	 * primary reports when replicas are connected, and the state of a replica's link to its
	 * primary. The sample application uses one standalone server, so these are not checked
	 * against its scrape; they must still be used by the documents, so that this list stays
	 * accurate. Their Prometheus names are checked against a real Cluster's scrape in
	 * {@code RedisObservabilityClusterIntegrationTests} of the auto-configuration module.
	 */
	private static final Set<String> REPLICATION_ONLY = Set.of("redis_connected_slave_lag_seconds",
			"redis_master_link_up");

	private static final Set<String> SUFFIXES = Set.of("_bucket", "_count", "_sum", "_max");

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((?:(.+),)?\\s*(\\w+)\\s*\\)",
			Pattern.DOTALL);

	private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

	private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(60);

	private static final String PASSWORD = "correct horse battery staple";

	private final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ProductRepository products;

	@Autowired
	private RedisbootSessionRepository sessionRepository;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meterRegistry;

	// PromQlMetricNames

	@Test
	void metricNamesOfASelectorWithMatchersAndARange() {
		assertThat(PromQlMetricNames
			.in("rate(cache_gets_total{cache=~\"$cache\", result=\"hit\", note=\"a } or [ b\"}[$__rate_interval])"))
			.containsExactly("cache_gets_total");
		assertThat(PromQlMetricNames.in("redis_up")).containsExactly("redis_up");
		assertThat(PromQlMetricNames.in("job:http_requests:rate5m{job='a\\'b'}"))
			.containsExactly("job:http_requests:rate5m");
	}

	@Test
	void metricNamesSkipAggregationsFunctionsAndLabelLists() {
		assertThat(PromQlMetricNames.in("histogram_quantile(0.99, sum by (le, command) "
				+ "(rate(redis_client_commands_seconds_bucket{job=~\"$job\"}[5m])))"))
			.containsExactly("redis_client_commands_seconds_bucket");
		assertThat(PromQlMetricNames.in("sum without (instance) (a_total) / count(b_total) by (job)"))
			.containsExactly("a_total", "b_total");
		assertThat(PromQlMetricNames
			.in("max by (node) (used_bytes) / on (node) group_left (version) max by (node) (max_bytes > 0)"))
			.containsExactly("max_bytes", "used_bytes");
		assertThat(PromQlMetricNames.in("a * on(instance) group_right b + ignoring(x) c")).containsExactly("a", "b",
				"c");
	}

	@Test
	void metricNamesSkipKeywordsNumbersDurationsAndStrings() {
		assertThat(PromQlMetricNames.in("rate(requests_total[5m:1m] offset 1h30m) > bool 0.5e3 "
				+ "unless errors_total or absent(up{job=\"x\"}) and latency @ start() < Inf and nanny != NaN"))
			.containsExactly("errors_total", "latency", "nanny", "requests_total", "up");
		assertThat(PromQlMetricNames.in("label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\") # a comment: y\n"
				+ " - 0x1f + .5 - 1_000"))
			.containsExactly("x");
	}

	@Test
	void metricNamesSkipGrafanaVariables() {
		assertThat(PromQlMetricNames.in("topk($limit, sum(rate(m_total{job=~\"${job:regex}\"}[$__interval])) "
				+ "* ${factor} * $__range_s)")).containsExactly("m_total");
	}

	@Test
	void metricNamesOfAnUnclosedMatcherOrStringAreAnError() {
		assertThatIllegalArgumentException().isThrownBy(() -> PromQlMetricNames.in("up{job=\"x\""))
			.withMessageContaining("not closed");
		assertThatIllegalArgumentException().isThrownBy(() -> PromQlMetricNames.in("sum(up) by (job"))
			.withMessageContaining("not closed");
	}

	// Grafana dashboard

	@Test
	void dashboardIsAGrafanaDashboardWithAPrometheusDataSourceVariable() {
		JsonNode dashboard = dashboard();
		assertThat(dashboard.path("schemaVersion").isIntegralNumber()).as("schemaVersion is a number").isTrue();
		assertThat(dashboard.path("schemaVersion").asInt()).as("schemaVersion").isGreaterThanOrEqualTo(36);
		assertThat(dashboard.path("title").asString()).isNotBlank();
		assertThat(dashboard.path("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
		assertThat(dashboard.path("panels").isArray()).as("panels").isTrue();
		// importable into any Grafana: not tied to the id of the dashboard it was exported from
		assertThat(dashboard.path("id").isNull() || dashboard.path("id").isMissingNode()).as("id is null").isTrue();

		List<JsonNode> variables = new ArrayList<>(dashboard.path("templating").path("list").values());
		assertThat(variables).extracting((variable) -> variable.path("name").asString()).doesNotHaveDuplicates();
		assertThat(variables).filteredOn((variable) -> variable.path("name").asString().equals("datasource"))
			.singleElement()
			.satisfies((variable) -> {
				assertThat(variable.path("type").asString()).isEqualTo("datasource");
				assertThat(variable.path("query").asString()).isEqualTo("prometheus");
			});
		for (JsonNode variable : variables) {
			if (variable.path("type").asString().equals("query")) {
				assertThat(datasource(variable)).as("data source of variable %s", variable.path("name").asString())
					.isEqualTo(PROMETHEUS_DATASOURCE);
				assertThat(LABEL_VALUES.matcher(variableQuery(variable)).matches())
					.as("query of variable %s is label_values(...): %s", variable.path("name").asString(),
							variableQuery(variable))
					.isTrue();
			}
		}
	}

	@Test
	void everyPanelHasAUniqueIdAGridPositionThePrometheusDataSourceAndQueries() {
		List<JsonNode> panels = panels(dashboard());
		assertThat(panels).hasSizeGreaterThan(20);
		Set<Integer> ids = new HashSet<>();
		List<int[]> areas = new ArrayList<>();
		for (JsonNode panel : panels) {
			String name = "panel " + panel.path("id") + " '" + panel.path("title").asString() + "'";
			assertThat(panel.path("id").isIntegralNumber()).as("%s has a numeric id", name).isTrue();
			assertThat(ids.add(panel.path("id").asInt())).as("%s has a unique id", name).isTrue();
			assertThat(panel.path("title").asString()).as("title of %s", name).isNotBlank();
			assertThat(panel.path("type").asString()).as("type of %s", name).isNotBlank();
			assertThat(datasource(panel)).as("data source of %s", name).isEqualTo(PROMETHEUS_DATASOURCE);

			JsonNode gridPos = panel.path("gridPos");
			for (String field : List.of("h", "w", "x", "y")) {
				assertThat(gridPos.path(field).isIntegralNumber()).as("gridPos.%s of %s", field, name).isTrue();
			}
			int h = gridPos.path("h").asInt();
			int w = gridPos.path("w").asInt();
			int x = gridPos.path("x").asInt();
			int y = gridPos.path("y").asInt();
			assertThat(h).as("height of %s", name).isPositive();
			assertThat(w).as("width of %s", name).isBetween(1, 24);
			assertThat(x).as("x of %s", name).isBetween(0, 24 - w);
			assertThat(y).as("y of %s", name).isNotNegative();
			for (int[] other : areas) {
				boolean overlaps = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3]
						&& other[1] < y + h;
				assertThat(overlaps).as("%s overlaps another panel", name).isFalse();
			}
			areas.add(new int[] { x, y, w, h });

			JsonNode targets = panel.path("targets");
			if (panel.path("type").asString().equals("row")) {
				assertThat(targets.size()).as("queries of row %s", name).isZero();
				continue;
			}
			assertThat(targets.size()).as("queries of %s", name).isPositive();
			Set<String> refIds = new HashSet<>();
			for (JsonNode target : targets) {
				assertThat(target.path("expr").asString()).as("expr of a query of %s", name).isNotBlank();
				assertThat(refIds.add(target.path("refId").asString())).as("refIds of %s are unique", name).isTrue();
				if (target.has("datasource")) {
					assertThat(datasource(target)).as("data source of a query of %s", name)
						.isEqualTo(PROMETHEUS_DATASOURCE);
				}
			}
		}
	}

	@Test
	void dashboardShowsTheRedisbootAndRedisServerMetrics() {
		Map<String, String> expressions = dashboardExpressions();
		Set<String> names = metricNames(expressions.values());
		assertThat(names).containsAll(REQUIRED_DASHBOARD_METRICS);
		assertThat(names).containsAll(REQUIRED_WRITE_BEHIND_METRICS);
		for (String quantile : List.of("0.5", "0.99")) {
			assertThat(expressions.values())
				.as("a panel shows the p%s command latency", quantile.substring(2))
				.anySatisfy((expression) -> assertThat(expression.replaceAll("\\s+", " "))
					.startsWith("histogram_quantile(" + quantile + ", sum by (le, command) (rate("
							+ "redis_client_commands_seconds_bucket{"));
		}
	}

	@Test
	void everyDashboardQueryIsValidPromQl(@TempDir Path directory) {
		Map<String, String> expressions = dashboardExpressions();
		List<Map<String, String>> rules = new ArrayList<>();
		// promtool names the rule of a query it rejects: the name says which query it is
		expressions.forEach((where, expression) -> rules.add(Map.of("record",
				"dashboard:" + where.replaceAll("'[^']*'", "").trim().replaceAll("[^A-Za-z0-9]+", "_"), "expr",
				withGrafanaVariablesReplaced(expression))));
		assertThat(rules).extracting((rule) -> rule.get("record")).doesNotHaveDuplicates();
		// A JSON document is a YAML document: promtool reads it as a rule file
		Path rulesFile = directory.resolve("dashboard-queries.rules.yml");
		this.json.writeValue(rulesFile, Map.of("groups", List.of(Map.of("name", "dashboard-queries", "rules", rules))));

		String output = promtool(directory, "check", "rules", rulesFile.getFileName().toString());
		assertThat(output).contains("SUCCESS: " + expressions.size() + " rules found");
	}

	// Prometheus alerting rules

	@Test
	void everyAlertHasAnExpressionADurationASeverityAndAnnotations() {
		List<Map<String, Object>> alerts = alertRules();
		assertThat(alerts).extracting((alert) -> alert.get("alert")).doesNotHaveDuplicates();
		for (Map<String, Object> alert : alerts) {
			Object name = alert.get("alert");
			assertThat(name).as("alert name").isInstanceOf(String.class);
			assertThat(alert).as("keys of alert %s", name)
				.containsKeys("alert", "expr", "for", "labels", "annotations")
				.doesNotContainKey("record");
			assertThat(alert.keySet()).as("keys of alert %s", name)
				.isSubsetOf("alert", "expr", "for", "keep_firing_for", "labels", "annotations");
			assertThat(alert.get("expr")).as("expr of %s", name).isInstanceOf(String.class);
			assertThat((String) alert.get("expr")).as("expr of %s", name).isNotBlank();
			assertThat(String.valueOf(alert.get("for"))).as("for of %s", name).matches(DURATION);
			assertThat(map(alert.get("labels"))).as("labels of %s", name)
				.hasEntrySatisfying("severity",
						(severity) -> assertThat(severity).isIn("critical", "warning", "info"));
			Map<String, Object> annotations = map(alert.get("annotations"));
			for (String annotation : List.of("summary", "description")) {
				assertThat(annotations.get(annotation)).as("%s of %s", annotation, name).isInstanceOf(String.class);
				assertThat((String) annotations.get(annotation)).as("%s of %s", annotation, name).isNotBlank();
			}
		}
		Map<String, Set<String>> namesByAlert = alerts.stream()
			.collect(Collectors.toMap((alert) -> (String) alert.get("alert"),
					(alert) -> PromQlMetricNames.in((String) alert.get("expr"))));
		assertThat(namesByAlert).containsKeys(REQUIRED_ALERTS.keySet().toArray(String[]::new));
		REQUIRED_ALERTS.forEach((alert, metric) -> assertThat(namesByAlert.get(alert))
			.as("metrics that %s reads", alert)
			.contains(metric));
		REQUIRED_WRITE_BEHIND_ALERTS.forEach((alert, metric) -> assertThat(namesByAlert.get(alert))
			.as("metrics that %s reads", alert)
			.contains(metric));
	}

	@Test
	void promtoolAcceptsTheAlertingRules() {
		String output = promtool(operationsDocs(), "check", "rules", ALERTS);
		assertThat(output).contains("SUCCESS: " + alertRules().size() + " rules found");
	}

	@Test
	void everyAlertFiresInTheUnitTestsOfTheRules() {
		Set<String> tested = new TreeSet<>();
		for (Object test : list(yaml(ALERT_TESTS).get("tests"))) {
			for (Object evaluation : list(map(test).get("alert_rule_test"))) {
				if (!list(map(evaluation).get("exp_alerts")).isEmpty()) {
					tested.add((String) map(evaluation).get("alertname"));
				}
			}
		}
		assertThat(tested).as("alerts that fire in %s", ALERT_TESTS)
			.containsExactlyInAnyOrderElementsOf(
					alertRules().stream().map((alert) -> (String) alert.get("alert")).collect(Collectors.toSet()));

		String output = promtool(operationsDocs(), "test", "rules", ALERT_TESTS);
		assertThat(output).contains("SUCCESS");
	}

	// The metrics the documents use, against the application's scrape

	@Test
	void everyMetricTheDocumentsUseIsExported() {
		SortedSet<String> used = new TreeSet<>(metricNames(dashboardExpressions().values()));
		used.addAll(metricNames(alertRules().stream().map((alert) -> (String) alert.get("expr")).toList()));
		assertThat(used).as("metrics only a replicated deployment exports, used by the documents")
			.containsAll(REPLICATION_ONLY);
		used.removeAll(REPLICATION_ONLY);

		useTheFeatures();

		await().atMost(METRICS_TIMEOUT).untilAsserted(() -> {
			Scrape scrape = Scrape.of(scrape());
			SortedSet<String> missing = new TreeSet<>(used);
			missing.removeIf(scrape::exports);
			assertThat(missing)
				.as("metrics that docs/operations use but /actuator/prometheus does not export; it exports:%n%s",
						scrape.samples()
							.stream()
							.filter((sample) -> sample.startsWith("redis") || sample.startsWith("cache"))
							.collect(Collectors.joining("\n")))
				.isEmpty();
		});
	}

	/**
	 * Uses the features whose meters are registered on first use: a product read through
	 * the cache (and its near cache), API requests (rate limiter), a sign-up (rate limiter
	 * and a {@code welcome-email} job through the stream consumer), sign-ins (sessions), a
	 * session that cannot be read (deserialization failures) and a sign-out everywhere
	 * (revocations).
	 */
	private void useTheFeatures() {
		long productId = this.products.findAll().stream().mapToLong(Product::getId).min().orElseThrow();
		for (int i = 0; i < 2; i++) {
			assertThat(get("/api/products/" + productId, null)).hasStatusOk();
		}

		String email = "operations-" + UUID.randomUUID() + "@example.com";
		assertThat(post("/api/auth/signup", """
				{"email": "%s", "name": "Operations Docs", "password": "%s"}""".formatted(email, PASSWORD), null))
			.hasStatus(HttpStatus.CREATED);
		await().atMost(METRICS_TIMEOUT)
			.untilAsserted(() -> assertThat(count("redisboot.stream.messages", "result", "processed"))
				.as("welcome-email jobs processed")
				.isPositive());

		String corrupted = signIn(email);
		String signedIn = signIn(email);
		assertThat(get("/api/me", signedIn)).hasStatusOk();
		// A session whose attribute cannot be read back: the request goes on without it
		String sessionKey = this.sessionRepository.getRedisKeyNamespace() + ":sessions:"
				+ this.sessionRepository.sessionHandle(new String(Base64.getDecoder().decode(corrupted), StandardCharsets.UTF_8));
		assertThat(this.redis.hasKey(sessionKey)).as("session key %s", sessionKey).isTrue();
		this.redis.opsForHash().put(sessionKey, "sessionAttr:" + UserSessions.USER_ATTRIBUTE, "{not json");
		assertThat(get("/api/me", corrupted)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(count("redisboot.sessions.deserialization.failures", "cause", "corrupt")).isPositive();

		assertThat(post("/api/auth/logout-everywhere", null, signedIn)).hasStatusOk();
		assertThat(count("redisboot.sessions.revoked", "reason", "revoked")).isPositive();
	}

	private String signIn(String email) {
		RestTestClientResponse response = post("/api/auth/login", """
				{"email": "%s", "password": "%s"}""".formatted(email, PASSWORD), null);
		assertThat(response).hasStatusOk();
		ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(cookie).as("SESSION cookie").isNotNull();
		return cookie.getValue();
	}

	private String scrape() {
		String body = actuator().client()
			.get()
			.uri("/actuator/prometheus")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).as("/actuator/prometheus").isNotBlank();
		return body;
	}

	private double count(String name, String tag, String value) {
		Counter counter = this.meterRegistry.find(name).tag(tag, value).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private RestTestClientResponse get(String path, @Nullable String cookie) {
		return RestTestClientResponse
			.from(this.client.get().uri(path).headers((headers) -> withCookie(headers, cookie)).exchange());
	}

	private RestTestClientResponse post(String path, @Nullable String json, @Nullable String cookie) {
		RestTestClient.RequestBodySpec request = this.client.post()
			.uri(path)
			.headers((headers) -> withCookie(headers, cookie));
		RestTestClient.RequestHeadersSpec<?> spec = (json != null)
				? request.contentType(MediaType.APPLICATION_JSON).body(json) : request;
		return RestTestClientResponse.from(spec.exchange());
	}

	private static void withCookie(HttpHeaders headers, @Nullable String cookie) {
		if (cookie != null) {
			headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
		}
	}

	// Reading the documents

	private JsonNode dashboard() {
		return this.json.readTree(operationsDocs().resolve(DASHBOARD));
	}

	/**
	 * The panels of the dashboard, with those nested in collapsed rows.
	 */
	private static List<JsonNode> panels(JsonNode dashboard) {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	/**
	 * Every PromQL expression of the dashboard: the panels' queries, and the selectors of
	 * the {@code label_values(...)} variable queries; keyed by where each is.
	 */
	private Map<String, String> dashboardExpressions() {
		JsonNode dashboard = dashboard();
		Map<String, String> expressions = new LinkedHashMap<>();
		for (JsonNode panel : panels(dashboard)) {
			for (JsonNode target : panel.path("targets")) {
				expressions.put("panel " + panel.path("id") + " '" + panel.path("title").asString() + "' query "
						+ target.path("refId").asString(), target.path("expr").asString());
			}
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if (variable.path("type").asString().equals("query")) {
				Matcher labelValues = LABEL_VALUES.matcher(variableQuery(variable));
				if (labelValues.matches() && labelValues.group(1) != null) {
					expressions.put("variable " + variable.path("name").asString(), labelValues.group(1).trim());
				}
			}
		}
		return expressions;
	}

	private static String variableQuery(JsonNode variable) {
		JsonNode query = variable.path("query");
		return query.isObject() ? query.path("query").asString() : query.asString();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> datasource(JsonNode node) {
		return this.json.convertValue(node.path("datasource"), Map.class);
	}

	/**
	 * Replaces Grafana's variables with values that make the expression plain PromQL: the
	 * interval variables with durations or numbers, any other variable (used in label
	 * matchers, such as {@code job=~"$job"}) with a regular expression that matches all.
	 */
	static String withGrafanaVariablesReplaced(String expression) {
		String replaced = expression;
		String[][] builtIns = { { "__rate_interval", "5m" }, { "__interval_ms", "60000" }, { "__interval", "1m" },
				{ "__range_ms", "3600000" }, { "__range_s", "3600" }, { "__range", "1h" } };
		for (String[] builtIn : builtIns) {
			replaced = replaced.replace("${" + builtIn[0] + "}", builtIn[1]).replace("$" + builtIn[0], builtIn[1]);
		}
		return replaced.replaceAll("\\$\\{[^}]*}|\\$\\w+", ".*");
	}

	private List<Map<String, Object>> alertRules() {
		Map<String, Object> rules = yaml(ALERTS);
		assertThat(rules).as(ALERTS).containsOnlyKeys("groups");
		List<Object> groups = list(rules.get("groups"));
		assertThat(groups).as("groups of %s", ALERTS).isNotEmpty();
		List<Map<String, Object>> alerts = new ArrayList<>();
		Set<Object> groupNames = new HashSet<>();
		for (Object group : groups) {
			Object name = map(group).get("name");
			assertThat(name).as("group name").isInstanceOf(String.class);
			assertThat(groupNames.add(name)).as("group %s has a unique name", name).isTrue();
			List<Object> rulesOfGroup = list(map(group).get("rules"));
			assertThat(rulesOfGroup).as("rules of group %s", name).isNotEmpty();
			rulesOfGroup.forEach((rule) -> alerts.add(map(rule)));
		}
		return alerts;
	}

	private static Map<String, Object> yaml(String file) {
		try (Reader reader = Files.newBufferedReader(operationsDocs().resolve(file))) {
			Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
			return map(document);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read " + file, ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(@Nullable Object value) {
		assertThat(value).as("a YAML mapping").isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(@Nullable Object value) {
		assertThat(value).as("a YAML sequence").isInstanceOf(List.class);
		return (List<Object>) value;
	}

	private static SortedSet<String> metricNames(Iterable<String> expressions) {
		SortedSet<String> names = new TreeSet<>();
		expressions.forEach((expression) -> names.addAll(PromQlMetricNames.in(expression)));
		return names;
	}

	/**
	 * The {@code docs/operations} directory of the project, found from the working
	 * directory (the module's, when Maven runs the tests) upwards.
	 */
	private static Path operationsDocs() {
		for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
			Path docs = directory.resolve("docs").resolve("operations");
			if (Files.isRegularFile(docs.resolve(DASHBOARD))) {
				return docs;
			}
		}
		return fail("No docs/operations/" + DASHBOARD + " in " + Path.of("").toAbsolutePath() + " or above");
	}

	// promtool

	/**
	 * Runs promtool and returns its output, failing unless it exits with 0.
	 */
	private static String promtool(Path directory, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(promtoolExecutable().toString());
		command.addAll(List.of(arguments));
		try {
			Path output = Files.createTempFile("promtool", ".out");
			try {
				Process process = new ProcessBuilder(command).directory(directory.toFile())
					.redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!process.waitFor(2, TimeUnit.MINUTES)) {
					process.destroyForcibly();
					fail("%s did not finish within 2 minutes", String.join(" ", command));
				}
				String text = Files.readString(output);
				assertThat(process.exitValue()).as("exit code of %s in %s:%n%s", String.join(" ", command), directory,
						text).isZero();
				return text;
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	private static Path promtoolExecutable() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				if (!directory.isEmpty()) {
					Path candidate = Path.of(directory, "promtool");
					if (Files.isExecutable(candidate)) {
						return candidate;
					}
				}
			}
		}
		return fail("promtool is not on the PATH. It checks docs/operations (the Prometheus rules, their unit tests "
				+ "and the dashboard's queries): install the 'prometheus' package (Debian/Ubuntu: apt-get install "
				+ "prometheus; macOS: brew install prometheus), or put the promtool of a Prometheus release "
				+ "(https://prometheus.io/download/) on the PATH.");
	}

	/**
	 * What a scrape of {@code /actuator/prometheus} exports.
	 *
	 * @param samples the names of its samples
	 * @param families the names of its metric families ({@code # TYPE} lines)
	 */
	private record Scrape(SortedSet<String> samples, Set<String> families) {

		static Scrape of(String text) {
			SortedSet<String> samples = new TreeSet<>();
			Set<String> families = new HashSet<>();
			for (String line : text.split("\n")) {
				if (line.startsWith("# TYPE ")) {
					families.add(line.split(" ")[2]);
				}
				else if (!line.isBlank() && !line.startsWith("#")) {
					samples.add(line.split("[{ ]", 2)[0]);
				}
			}
			return new Scrape(samples, families);
		}

		/**
		 * Whether a metric name is exported: as a sample, or, for the
		 * {@code _bucket}/{@code _count}/{@code _sum}/{@code _max} series of a timer or
		 * histogram, as its family.
		 */
		boolean exports(String name) {
			if (this.samples.contains(name)) {
				return true;
			}
			for (String suffix : SUFFIXES) {
				String family = name.substring(0, Math.max(0, name.length() - suffix.length()));
				if (name.endsWith(suffix) && this.families.contains(family)) {
					return true;
				}
			}
			return false;
		}

	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}
