package dev.redisboot.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseCookie;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console behind Spring Security exactly as docs/console.md ("Behind Spring Security")
 * configures it: {@link SecuritySketch} is that section's Java block, which
 * {@link #theSketchIsInTheDocsVerbatim()} finds there verbatim. On the sample application
 * with write access (profile {@code demo}) and a real Redis: without credentials the console
 * and its actions answer 401; an operator's write without the CSRF token answers 403,
 * changes nothing in Redis and leaves no record in the audit trail; in headless Chromium,
 * signed in with HTTP basic, the page's {@code X-XSRF-TOKEN} header gets the same write
 * through, and the audit trail names the operator.
 * <p>
 * Spring Security is on this class's test class path only: the sample application's POM runs
 * it in an execution of its own and keeps {@code spring-boot-starter-security} off every
 * other test's class path.
 *
 * @author redisboot
 */
@SampleApplicationTest
@ActiveProfiles({ "relaxed-rate-limits", "demo" })
@TestPropertySource(properties = "redisboot.key-prefix=" + ConsoleSecurityIntegrationTests.PREFIX)
@Import(ConsoleSecurityIntegrationTests.SecuritySketch.class)
class ConsoleSecurityIntegrationTests {

	static final String PREFIX = "sample-console-security-test";

	private static final String OPERATOR = "operator";

	private static final String PASSWORD = "operator-password";

	@Autowired
	private ProductRepository products;

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@AfterAll
	static void closeBrowser() {
		ConsoleBrowserIntegrationTests.closeBrowser();
	}

	@Test
	void withoutCredentialsTheConsoleAndItsActionsAnswer401(StandaloneRedis redis) {
		String key = cachedProduct(redis);
		ActuatorClient anonymous = ActuatorClient.on(this.managementPort);
		RestTestClientResponse console = anonymous.get("/actuator/console");
		assertThat(console).hasStatus(401);
		assertThat(anonymous.get("/actuator/redis")).hasStatus(401);
		// without the token a write is refused before authentication (CsrfFilter comes first) ...
		assertThat(anonymous.delete("/actuator/redis/caches/products")).hasStatus(403);
		// ... and with it (the 401 above set the cookie), by authentication
		ResponseCookie cookie = console.getExchangeResult().getResponseCookies().getFirst("XSRF-TOKEN");
		assertThat(cookie).isNotNull();
		String token = cookie.getValue();
		assertThat(RestTestClientResponse.from(anonymous.client()
			.delete()
			.uri("/actuator/redis/caches/products")
			.cookie("XSRF-TOKEN", token)
			.header("X-XSRF-TOKEN", token)
			.exchange())).hasStatus(401);
		assertThat(anonymous.get("/actuator/health")).as("permitted by the sketch").hasStatusOk();
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(1L);
	}

	@Test
	void anOperatorsWriteWithoutTheCsrfTokenIsRefusedAndNotAudited(StandaloneRedis redis) {
		String key = cachedProduct(redis);
		RestTestClient operator = operator();
		assertThat(RestTestClientResponse.from(operator.get().uri("/actuator/redis").exchange())).hasStatusOk();
		String before = audit(operator);
		assertThat(RestTestClientResponse.from(operator.delete().uri("/actuator/redis/caches/products").exchange()))
			.hasStatus(403);
		assertThat(RestTestClientResponse.from(operator.post()
			.uri("/actuator/schedules/usage-invoices")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.body("{\"action\": \"pause\"}")
			.exchange())).hasStatus(403);
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(1L);
		String after = audit(operator);
		for (String action : new String[] { "redis:delete", "schedules:write" }) {
			assertThat(countOf(after, action)).as(action + " records").isEqualTo(countOf(before, action));
		}
	}

	private static String audit(RestTestClient operator) {
		return operator.get()
			.uri("/actuator/audit?limit=100")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();
	}

	private static int countOf(String text, String word) {
		return text.split(Pattern.quote(word), -1).length - 1;
	}

	@Test
	void signedInTheConsoleSendsTheCsrfTokenAndTheAuditTrailNamesTheOperator(StandaloneRedis redis)
			throws IOException {
		String key = cachedProduct(redis);
		WebDriver browser = ConsoleBrowserIntegrationTests.browser();
		// HTTP basic: credentials sent with every request to the management port, as a browser
		// does once the operator has answered its sign-in prompt
		((ChromeDriver) browser).executeCdpCommand("Network.enable", Map.of());
		((ChromeDriver) browser).executeCdpCommand("Network.setExtraHTTPHeaders",
				Map.of("headers", Map.of("Authorization", basic())));
		browser.get("http://127.0.0.1:" + this.managementPort + "/actuator/console");
		ConsoleBrowserIntegrationTests.waitForText(browser, "status", "updated");
		ConsoleBrowserIntegrationTests.tab(browser, "caches");
		ConsoleBrowserIntegrationTests.waitForText(browser, "caches-body", "products");
		ConsoleBrowserIntegrationTests.click(browser, By.cssSelector(".clear-cache[data-cache='products']"));
		ConsoleBrowserIntegrationTests.waitForText(browser, "message", "Cache products cleared.");
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(0L);
		ConsoleBrowserIntegrationTests.tab(browser, "audit");
		// the row of the clear: its actor cell is the operator's name (the page refreshes the
		// table, so the rows are read afresh when it replaced them meanwhile)
		List<String> actors = new WebDriverWait(browser, Duration.ofSeconds(20))
			.ignoring(StaleElementReferenceException.class)
			.until((d) -> {
				List<String> found = d.findElements(By.cssSelector("#audit-body tbody tr"))
					.stream()
					.map((row) -> row.findElements(By.tagName("td")))
					.filter((cells) -> cells.size() == 6 && cells.get(2).getText().equals("redis:delete")
							&& cells.get(3).getText().contains("section=caches name=products"))
					.map((cells) -> cells.get(1).getText())
					.toList();
				return found.isEmpty() ? null : found;
			});
		assertThat(actors).containsOnly(OPERATOR);
	}

	@Test
	void theSketchIsInTheDocsVerbatim() throws IOException {
		String docs = Files.readString(Path.of("../docs/console.md"), StandardCharsets.UTF_8);
		Matcher section = Pattern.compile("(?s)## Behind Spring Security.*?```java\\n(.*?)```").matcher(docs);
		assertThat(section.find()).as("a java block in docs/console.md's 'Behind Spring Security'").isTrue();
		String source = Files.readString(
				Path.of("src/test/java/dev/redisboot/sample/ConsoleSecurityIntegrationTests.java"),
				StandardCharsets.UTF_8);
		String indented = section.group(1).lines().map((line) -> line.isEmpty() ? line : "\t\t" + line)
			.reduce("", (text, line) -> text + line + "\n");
		assertThat(source).contains(indented);
	}

	private String cachedProduct(StandaloneRedis redis) {
		Product product = this.products.findAll().get(0);
		assertThat(RestTestClientResponse.from(this.client.get().uri("/api/products/" + product.getId()).exchange()))
			.hasStatusOk();
		String key = PREFIX + ":cache:products:" + product.getId();
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(1L);
		return key;
	}

	private RestTestClient operator() {
		return RestTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.defaultHeader("Authorization", basic())
			.build();
	}

	private static String basic() {
		return "Basic " + Base64.getEncoder()
			.encodeToString((OPERATOR + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * docs/console.md's sketch, and the operator it lets in.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class SecuritySketch {

		@Bean
		@Order(1)
		SecurityFilterChain actuator(HttpSecurity http) throws Exception {
			return http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests((requests) -> requests
					.requestMatchers(EndpointRequest.to("health", "prometheus")).permitAll()
					.anyRequest().hasRole("OPS"))
				.httpBasic(Customizer.withDefaults())
				// the XSRF-TOKEN cookie, which the page sends back as the X-XSRF-TOKEN header
				.csrf((csrf) -> csrf.spa())
				// ... written with the page already, not only after a first write was refused
				.addFilterAfter((request, response, chain) -> {
					((CsrfToken) request.getAttribute(CsrfToken.class.getName())).getToken();
					chain.doFilter(request, response);
				}, CsrfFilter.class)
				.build();
		}

		@Bean
		InMemoryUserDetailsManager operators() {
			return new InMemoryUserDetailsManager(
					User.withUsername(OPERATOR).password("{noop}" + PASSWORD).roles("OPS").build());
		}

	}

}
