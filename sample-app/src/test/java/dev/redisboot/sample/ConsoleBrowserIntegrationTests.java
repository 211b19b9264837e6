package dev.redisboot.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.ratelimit.RejectedClients;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.JobState;
import dev.redisboot.test.StandaloneRedis;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real browser: Debian's headless Chromium
 * ({@code /usr/bin/chromium}, driven through {@code /usr/bin/chromedriver}; Selenium
 * downloads nothing), one browser for the class. With the shared sample context (read-only
 * access, as in {@code application.yml}) the console offers no write action and the endpoints
 * refuse one sent anyway; with the {@code demo} profile (write access, a key prefix of its own
 * on the shared Redis) every page is clicked through and every write action (clear a cache,
 * revoke a user's sessions, retry dead letters, pause a schedule) shows its effect, in the page
 * and in Redis, and its record in the Audit tab.
 *
 * @author redisboot
 */
@SampleApplicationTest
class ConsoleBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static WebDriver driver;

	private static Path profile;

	@Autowired
	private ProductRepository products;

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	static WebDriver browser() throws IOException {
		if (driver == null) {
			profile = Files.createTempDirectory("redisboot-console-chromium");
			driver = HeadlessChromium.start(profile);
		}
		return driver;
	}

	@AfterAll
	static void closeBrowser() {
		if (driver != null) {
			driver.quit();
			driver = null;
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile.toFile());
		}
	}

	@Test
	void readOnlyAccessOffersNoWriteActionAndRefusesOne(StandaloneRedis redis) throws IOException {
		Product product = this.products.findAll().get(0);
		assertThat(RestTestClientResponse.from(this.client.get().uri("/api/products/" + product.getId()).exchange()))
			.hasStatusOk();
		String key = "sample:cache:products:" + product.getId();
		WebDriver browser = open(this.managementPort);
		tab(browser, "caches");
		waitForText(browser, "caches-body", "products");
		assertThat(browser.findElements(By.cssSelector(".clear-cache"))).isEmpty();
		assertThat(text(browser, "caches-body")).contains("Read-only: set management.endpoint.redis.access");
		tab(browser, "sessions");
		waitForText(browser, "sessions-body", "redisboot.sessions");
		assertThat(browser.findElement(By.id("principal-revoke")).isDisplayed()).isFalse();
		// sent anyway: the write operations are not mapped
		ActuatorClient actuator = ActuatorClient.on(this.managementPort);
		assertThat(actuator.delete("/actuator/redis/caches/products").getExchangeResult().getStatus().is4xxClientError())
			.isTrue();
		assertThat(actuator.delete("/actuator/principals/" + "demo@example.com")
			.getExchangeResult()
			.getStatus()
			.is4xxClientError()).isTrue();
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(1L);
		// a dead letter is listed without Retry or Delete, and DELETE is refused
		String dead = "sample:stream:{jobs}:dead";
		String letter = String.valueOf(redis.node().execute("XADD", dead, "*", "type", "welcome-email", "job",
				"read-only-test", "group", "jobs", "attempt", "5", "error", "java.lang.IllegalStateException: read-only"));
		try {
			tab(browser, "jobs");
			waitForText(browser, "dead-body", "read-only-test");
			assertThat(browser.findElements(By.cssSelector(".delete-dead, .retry-dead"))).isEmpty();
			assertThat(actuator.delete("/actuator/streams/jobs/dead-letters/" + letter)
				.getExchangeResult()
				.getStatus()
				.is4xxClientError()).isTrue();
			assertThat(redis.node().execute("XRANGE", dead, letter, letter)).asInstanceOf(InstanceOfAssertFactories.LIST)
				.hasSize(1);
		}
		finally {
			redis.node().execute("XDEL", dead, letter);
		}
	}

	static WebDriver open(int managementPort) throws IOException {
		WebDriver browser = browser();
		// 127.0.0.1 rather than localhost, which may resolve to ::1: the audit test reads the address's digest back
		browser.get("http://127.0.0.1:" + managementPort + "/actuator/console");
		waitForText(browser, "status", "updated");
		return browser;
	}

	/**
	 * Clicks an element, found afresh if the page's refresh replaced it meanwhile.
	 */
	static void click(WebDriver browser, By by) {
		new WebDriverWait(browser, TIMEOUT).ignoring(StaleElementReferenceException.class).until((d) -> {
			d.findElement(by).click();
			return true;
		});
	}

	static void tab(WebDriver browser, String name) {
		click(browser, By.id("tab-" + name));
		new WebDriverWait(browser, TIMEOUT)
			.until((d) -> d.findElement(By.id(name)).getAttribute("class").contains("active"));
	}

	static void waitForText(WebDriver browser, String id, String text) {
		new WebDriverWait(browser, TIMEOUT).withMessage(() -> "#" + id + " to contain '" + text + "', was: "
				+ browser.findElement(By.id(id)).getText())
			.until((d) -> d.findElement(By.id(id)).getText().contains(text));
	}

	/**
	 * Saves a screenshot of the page when {@code -Dredisboot.console.screenshots=<directory>}
	 * is set (how the images of docs/console.md are made), and does nothing otherwise.
	 */
	static void screenshot(WebDriver browser, String name) throws IOException {
		String directory = System.getProperty("redisboot.console.screenshots");
		if (directory != null && browser instanceof TakesScreenshot camera) {
			Path target = Path.of(directory).resolve("console-" + name + ".png");
			Files.createDirectories(target.getParent());
			Files.write(target, camera.getScreenshotAs(OutputType.BYTES));
		}
	}

	static String text(WebDriver browser, String id) {
		return browser.findElement(By.id(id)).getText();
	}

	/**
	 * The {@code demo} profile: write access to the endpoints the console acts through.
	 */
	@Nested
	@ActiveProfiles("demo")
	@TestPropertySource(properties = "redisboot.key-prefix=" + WithWriteAccess.PREFIX)
	class WithWriteAccess {

		static final String PREFIX = "sample-console-test";

		@Autowired
		private ProductRepository products;

		@Autowired
		private RestTestClient client;

		@Autowired
		private PrincipalSessions principalSessions;

		@Autowired
		private JobQueue jobs;

		@Autowired
		private RejectedClients rejectedClients;

		@Autowired
		private KeyDigester keyDigester;

		@LocalManagementPort
		private int managementPort;

		@Test
		void everyPageAndEveryWriteActionWithItsAuditRecord(StandaloneRedis redis) throws IOException {
			Product product = this.products.findAll().get(0);
			assertThat(RestTestClientResponse.from(this.client.get().uri("/api/products/" + product.getId()).exchange()))
				.hasStatusOk();
			String cacheKey = PREFIX + ":cache:products:" + product.getId();
			assertThat(redis.node().execute("EXISTS", cacheKey)).isEqualTo(1L);
			assertThat(RestTestClientResponse.from(this.client.post()
				.uri("/api/auth/login")
				.contentType(MediaType.APPLICATION_JSON)
				.body("""
						{"email": "demo@example.com", "password": "demo-password"}""")
				.exchange())).hasStatusOk();
			assertThat(this.principalSessions.findSessions("demo@example.com")).isNotEmpty();
			String dead = PREFIX + ":stream:{jobs}:dead";
			redis.node().execute("XADD", dead, "*", "type", "welcome-email", "job", "console-test", "payload",
					"{\"userId\":1,\"email\":\"demo@example.com\",\"name\":\"Demo\"}", "group", "jobs", "attempt", "5",
					"error", "java.lang.IllegalStateException: mail server down");
			String poison = String.valueOf(redis.node().execute("XADD", dead, "*", "type", "welcome-email", "job",
					"console-poison", "payload", "{}", "group", "jobs", "attempt", "5", "error",
					"java.lang.IllegalArgumentException: no such user"));

			WebDriver browser = open(this.managementPort);
			// Overview
			waitForText(browser, "overview-body", "Redis: standalone");
			assertThat(text(browser, "overview-body")).contains("Advice", "What the application keeps in Redis");
			screenshot(browser, "overview");
			// Caches: clear products
			tab(browser, "caches");
			waitForText(browser, "caches-body", "products");
			assertThat(text(browser, "caches-body")).as("the configured TTL").contains("PT15M");
			// each cache's entries, sampled on the server that holds the caches
			waitForText(browser, "caches-body", "Entries and sizes sampled on the default server");
			screenshot(browser, "caches");
			click(browser, By.cssSelector(".clear-cache[data-cache='products']"));
			waitForText(browser, "message", "Cache products cleared.");
			assertThat(redis.node().execute("EXISTS", cacheKey)).isEqualTo(0L);
			// Rate limits: the login and product reads above were decided; a client the limiter
			// rejected (the relaxed limits of the tests reject none) is shown as its digest
			tab(browser, "ratelimits");
			assertThat(text(browser, "message")).as("the Caches tab's status line stays there").isEmpty();
			waitForText(browser, "ratelimits-body", "redisboot.ratelimit.requests");
			this.rejectedClients.rejected("login", "#console-test-digest");
			waitForText(browser, "limited-body", "#console-test-digest");
			assertThat(text(browser, "limited-body")).contains("login");
			// Sessions: find and revoke demo@example.com's
			tab(browser, "sessions");
			waitForText(browser, "sessions-body", "redisboot.sessions.active");
			click(browser, By.id("principals-sample"));
			waitForText(browser, "principals-top", "principal indexes read");
			assertThat(text(browser, "principals-top")).contains("#").doesNotContain("demo@example.com");
			browser.findElement(By.id("principal-input")).sendKeys("demo@example.com");
			click(browser, By.id("principal-find"));
			waitForText(browser, "principal-body", "session(s)");
			assertThat(text(browser, "principal-count")).doesNotStartWith("0 ");
			click(browser, By.id("principal-revoke"));
			waitForText(browser, "message", "session(s) revoked.");
			waitForText(browser, "principal-body", "0 session(s)");
			assertThat(this.principalSessions.findSessions("demo@example.com")).isEmpty();
			screenshot(browser, "sessions");
			// Jobs and streams: the dead letter, with its reason and attempts, retried
			tab(browser, "jobs");
			waitForText(browser, "dead-body", "mail server down");
			screenshot(browser, "jobs");
			assertThat(text(browser, "jobs-body")).contains("jobs");
			// the poison one deleted, the other retried
			waitForText(browser, "dead-body", "no such user");
			click(browser, By.cssSelector(".delete-dead[data-id='" + poison + "']"));
			waitForText(browser, "message", "Dead letter " + poison + " of jobs deleted.");
			assertThat(redis.node().execute("XLEN", dead)).isEqualTo(1L);
			click(browser, By.cssSelector(".retry-dead"));
			waitForText(browser, "message", "dead letter(s) of jobs moved back for another round.");
			assertThat(redis.node().execute("XLEN", dead)).isEqualTo(0L);
			// a job due in an hour: found by its id, then cancelled
			String jobId = this.jobs.enqueueIn(Duration.ofHours(1), "welcome-email",
					Map.of("userId", 1, "email", "demo@example.com", "name", "Demo"));
			browser.findElement(By.id("job-id")).sendKeys(jobId);
			click(browser, By.id("job-find"));
			waitForText(browser, "job-body", "SCHEDULED");
			click(browser, By.id("job-cancel"));
			waitForText(browser, "message", "Cancel: CANCELLED.");
			assertThat(this.jobs.status(jobId)).hasValueSatisfying(
					(status) -> assertThat(status.state()).isEqualTo(JobState.CANCELLED));
			// Schedules: pause usage-invoices
			tab(browser, "schedules");
			waitForText(browser, "schedules-body", "usage-invoices");
			click(browser, By.cssSelector(".schedule-action[data-action='pause']"));
			waitForText(browser, "message", "pause done.");
			new WebDriverWait(browser, TIMEOUT).until((d) -> !d
				.findElements(By.cssSelector(".schedule-action[data-action='resume']"))
				.isEmpty());
			// Redis: slow log and big keys, redacted
			tab(browser, "redis");
			waitForText(browser, "slowlog-body", "");
			click(browser, By.id("bigkeys-sample"));
			waitForText(browser, "bigkeys-body", "keys scanned");
			click(browser, By.id("memory-read"));
			waitForText(browser, "memory-body", "default server");
			assertThat(text(browser, "bigkeys-body")).doesNotContain("demo@example.com");
			// Audit: every action above, the user as a digest
			tab(browser, "audit");
			waitForText(browser, "audit-body", "schedules:write");
			String audit = text(browser, "audit-body");
			screenshot(browser, "audit");
			List<WebElement> rows = browser.findElements(By.cssSelector("#audit-body tbody tr"));
			assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
			assertThat(audit).contains("redis:delete", "section=caches name=products", "principals:delete",
					"principal=#", "streams:write", "stream=jobs", "streams:delete",
					"section=dead-letters id=" + poison, "jobId=" + jobId, "schedules:write", "action=pause", "anonymous",
					this.keyDigester.display("127.0.0.1"), "ok")
				.doesNotContain("demo@example.com", "127.0.0.1");
		}

	}

}
