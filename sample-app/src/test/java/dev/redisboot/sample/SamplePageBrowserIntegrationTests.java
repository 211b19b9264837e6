package dev.redisboot.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.redisboot.sample.notification.NotificationService;
import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's own page ({@code GET /}) in a real browser, Debian's headless Chromium
 * ({@code /usr/bin/chromium} through {@code /usr/bin/chromedriver}), as a user goes through
 * it: signs up and watches the welcome mail's job go from queued to done and the mail arrive,
 * reads the catalog twice and sees each product's first read miss the cache and the next one
 * hit it, sees the rate-limit headers of each call count down, sees the session with its
 * device and signs another device out, publishes and receives live notifications; then the
 * same page on a 375 px wide phone, where nothing may overflow sideways.
 * <p>
 * A context of its own, with the rate limits of {@code application.yml} (the limits the page
 * shows are the real ones) and a key prefix of its own, so that its cache entries and buckets
 * are not those of other contexts on the same Redis: the first read of each product is a miss.
 * <p>
 * With {@code -Dredisboot.sample.screenshots=<directory>} it saves the screenshots of
 * README.md ({@code sample-desktop.png}, {@code sample-phone.png}).
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "redisboot.key-prefix=" + SamplePageBrowserIntegrationTests.PREFIX })
@WithRedis
class SamplePageBrowserIntegrationTests {

	static final String PREFIX = "sample-page-test";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
			+ "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

	private static ChromeDriver driver;

	private static Path profile;

	@LocalServerPort
	private int port;

	@Autowired
	private PrincipalSessions principalSessions;

	@Autowired
	private NotificationService notifications;

	@Autowired
	private CacheManager cacheManager;

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
	void signUpReadTheCatalogTwiceSeeTheLimitsSessionsAndNotificationsThenOnAPhone() throws IOException {
		ChromeDriver browser = browser();
		// localhost: Chromium keeps the Secure session cookie on http://localhost
		browser.get("http://localhost:" + this.port + "/");
		waitUntil(browser, "the page is live", (d) -> text(d, "live-text").equals("live"));

		// The catalog, read once: every product a miss, then cached
		List<WebElement> products = waitForProducts(browser);
		assertThat(products).hasSizeGreaterThanOrEqualTo(3);
		assertThat(products).allSatisfy((product) -> assertThat(product.getAttribute("data-cache")).isEqualTo("miss"));
		assertThat(text(browser, "products")).contains("Starter plan", "$9.00", "miss", "ms in all");

		// Sign up: the welcome mail's job goes from queued to done, and the mail arrives
		String email = "page-" + UUID.randomUUID() + "@example.com";
		click(browser, By.id("tab-signup"));
		browser.findElement(By.cssSelector("#signup input[name=email]")).sendKeys(email);
		browser.findElement(By.cssSelector("#signup input[name=name]")).sendKeys("Page Tester");
		browser.findElement(By.cssSelector("#signup input[name=password]")).sendKeys("page-tester-password");
		click(browser, By.cssSelector("#signup button"));
		waitUntil(browser, "the job to be done", (d) -> "DONE".equals(attribute(d, "job-state", "data-state")));
		assertThat(text(browser, "job-history")).contains("queued at", "done at");
		assertThat(browser.findElements(By.cssSelector("#job-steps li.reached"))).hasSize(3);
		waitForText(browser, "mails", "Welcome to the redisboot sample");
		assertThat(text(browser, "mails")).contains("Hello Page Tester", "To " + email);
		assertThat(text(browser, "who")).contains("Page Tester", "FREE");

		// The catalog again: every product a hit, from the near cache of this instance; the
		// api rule's remaining requests go down with each call
		click(browser, By.id("reload"));
		waitUntil(browser, "every product read again", (d) -> productsRead(d)
			.stream()
			.allMatch((product) -> "near".equals(product.getAttribute("data-cache"))));
		assertThat(text(browser, "products")).contains("near hit", "before:");
		assertThat(browser.findElements(By.cssSelector("#products .product"))).allSatisfy((product) -> assertThat(
				product.getAttribute("data-history")).as("this read, then the one before").isEqualTo("near miss"));
		waitUntil(browser, "the reads to finish", (d) -> d.findElement(By.id("reload")).isEnabled());
		@SuppressWarnings("unchecked")
		List<Long> remaining = (List<Long>) browser.executeScript(
				"return [...document.querySelectorAll(\"#log .rate[data-rule='api']\")].map((rate) => Number(rate.dataset.remaining))");
		assertThat(remaining).as("newest first").hasSizeGreaterThanOrEqualTo(3);
		assertThat(remaining.get(0)).as("the last call's remaining requests, below the one two calls before")
			.isLessThan(remaining.get(2))
			.isLessThan(60);
		assertThat(text(browser, "limit-of")).contains("of 60", "\"api\"");
		assertThat(text(browser, "limit-reset")).containsPattern("Full again in \\d+ s\\.|Full\\.");
		assertThat(text(browser, "log")).contains("/api/products/1", "near hit", "left, full again in");

		// Sessions: this browser's, with its device; a phone signed in meanwhile, signed out from here
		String phone = signInFrom(email, IPHONE);
		browser.navigate().refresh();
		waitUntil(browser, "two sessions", (d) -> d.findElements(By.cssSelector("#sessions .session")).size() == 2);
		assertThat(text(browser, "sessions")).contains("Headless Chrome on Linux", "This device", "Safari on iPhone",
				"Signed in");
		assertThat(text(browser, "sessions")).doesNotContain(sessionId(phone));
		click(browser, By.cssSelector("#sessions .session:not(.current) .sign-out-device"));
		waitForText(browser, "status", "Signed out of Safari on iPhone.");
		waitUntil(browser, "one session", (d) -> d.findElements(By.cssSelector("#sessions .session")).size() == 1);
		assertThat(this.principalSessions.findSessions(email)).singleElement()
			.satisfies((session) -> assertThat(session.handle())
				.isEqualTo(browser.findElement(By.cssSelector("#sessions .session.current")).getAttribute("data-handle")));

		// Notifications: published from this page, and from elsewhere (another instance, say)
		browser.findElement(By.id("message")).sendKeys("Deploy at 5 pm");
		click(browser, By.cssSelector("#notify button"));
		waitForText(browser, "notifications", "Deploy at 5 pm");
		this.notifications.publish("Scheduled maintenance on Sunday", "warning");
		waitForText(browser, "notifications", "Scheduled maintenance on Sunday");
		assertThat(browser.findElements(By.cssSelector("#notifications .notification.warning"))).isNotEmpty();
		// A product evicted (changed elsewhere, say): read again, it misses beside the others' hits
		String evicted = browser.findElements(By.cssSelector("#products .product")).get(1).getAttribute("data-id");
		this.cacheManager.getCache("products").evict(Long.parseLong(evicted));
		click(browser, By.id("reload"));
		waitUntil(browser, "the reads to finish", (d) -> d.findElement(By.id("reload")).isEnabled());
		assertThat(browser.findElements(By.cssSelector("#products .product"))).allSatisfy((product) -> assertThat(
				product.getAttribute("data-history"))
			.startsWith(evicted.equals(product.getAttribute("data-id")) ? "miss near" : "near near"));
		assertThat(text(browser, "log")).contains("loaded from the database in");
		screenshot(browser, "sample-desktop", true);

		// A phone, 375 px wide: the same page, nothing wider than the screen
		browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", 375, "height", 812, "deviceScaleFactor", 2, "mobile", true));
		browser.navigate().refresh();
		waitForProducts(browser);
		waitUntil(browser, "the sessions", (d) -> !d.findElements(By.cssSelector("#sessions .session")).isEmpty());
		Object width = browser.executeScript("return window.innerWidth");
		assertThat(width).isEqualTo(375L);
		assertThat(browser.executeScript("return document.documentElement.scrollWidth")).as("the page's width")
			.isEqualTo(375L);
		assertThat(overflowing(browser)).as("elements reaching past the right edge").isEmpty();
		assertThat(browser.findElement(By.id("catalog")).getLocation().getY())
			.as("the catalog right below the account on a phone, before the rate limit")
			.isLessThan(browser.findElement(By.id("limit-card")).getLocation().getY());
		browser.executeScript("window.scrollTo(0, document.getElementById('catalog').offsetTop - 64)");
		screenshot(browser, "sample-phone", false);
		browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
	}

	private static ChromeDriver browser() throws IOException {
		if (driver == null) {
			profile = Files.createTempDirectory("redisboot-sample-chromium");
			driver = HeadlessChromium.start(profile);
		}
		return driver;
	}

	/**
	 * Signs the user in from another device, outside the browser.
	 * @return the new session's cookie
	 */
	private String signInFrom(String email, String userAgent) {
		ResponseCookie[] cookie = new ResponseCookie[1];
		RestClient.create("http://localhost:" + this.port)
			.post()
			.uri("/api/auth/login")
			.header(HttpHeaders.USER_AGENT, userAgent)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("email", email, "password", "page-tester-password"))
			.exchange((request, response) -> {
				assertThat(response.getStatusCode().is2xxSuccessful()).isTrue();
				String header = response.getHeaders().getFirst(HttpHeaders.SET_COOKIE);
				assertThat(header).startsWith("SESSION=");
				cookie[0] = ResponseCookie.from("SESSION", header.substring(8, header.indexOf(';'))).build();
				return null;
			});
		return cookie[0].getValue();
	}

	private static String sessionId(String cookie) {
		return new String(Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
	}

	private static List<WebElement> waitForProducts(ChromeDriver browser) {
		waitUntil(browser, "every product read", (d) -> {
			List<WebElement> read = productsRead(d);
			return !read.isEmpty() && read.size() == d.findElements(By.cssSelector("#products .product")).size();
		});
		return browser.findElements(By.cssSelector("#products .product"));
	}

	/**
	 * The products whose read has finished (their Read again button is back).
	 */
	private static List<WebElement> productsRead(WebDriver browser) {
		return browser.findElements(By.cssSelector("#products .product"))
			.stream()
			.filter((product) -> !product.findElements(By.cssSelector(".again")).isEmpty())
			.toList();
	}

	/**
	 * The visible elements whose right edge is past the viewport's.
	 */
	@SuppressWarnings("unchecked")
	private static List<String> overflowing(ChromeDriver browser) {
		return (List<String>) ((JavascriptExecutor) browser).executeScript("""
				const width = document.documentElement.clientWidth;
				return [...document.querySelectorAll('body *')]
				  .filter((node) => node.offsetParent !== null && !node.closest('.visually-hidden'))
				  .filter((node) => node.getBoundingClientRect().right > width + 0.5)
				  .map((node) => node.tagName + '#' + node.id + '.' + node.className + ' '
				    + Math.round(node.getBoundingClientRect().right));""");
	}

	private static void click(WebDriver browser, By by) {
		new WebDriverWait(browser, TIMEOUT).ignoring(StaleElementReferenceException.class).until((d) -> {
			WebElement element = d.findElement(by);
			// in the middle of the screen, clear of the sticky top bar
			((JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
			element.click();
			return true;
		});
	}

	private static void waitForText(WebDriver browser, String id, String text) {
		waitUntil(browser, "#" + id + " to contain '" + text + "'", (d) -> text(d, id).contains(text));
	}

	private static void waitUntil(WebDriver browser, String what,
			Function<WebDriver, Boolean> condition) {
		new WebDriverWait(browser, TIMEOUT).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> what + "; the page said: " + browser.findElement(By.tagName("body")).getText())
			.until(condition);
	}

	private static String text(WebDriver browser, String id) {
		return browser.findElement(By.id(id)).getText();
	}

	private static String attribute(WebDriver browser, String id, String name) {
		return browser.findElement(By.id(id)).getAttribute(name);
	}

	/**
	 * Saves a screenshot when {@code -Dredisboot.sample.screenshots=<directory>} is set (how the
	 * images of README.md are made), and does nothing otherwise: the whole page on a desktop,
	 * the first screen on a phone.
	 */
	private static void screenshot(ChromeDriver browser, String name, boolean wholePage) throws IOException {
		String directory = System.getProperty("redisboot.sample.screenshots");
		if (directory == null) {
			return;
		}
		if (wholePage) {
			Number width = (Number) browser.executeScript("return window.innerWidth");
			Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight");
			browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width.intValue(),
					"height", height.intValue(), "deviceScaleFactor", 1, "mobile", false));
		}
		Path target = Path.of(directory).resolve(name + ".png");
		Files.createDirectories(target.getParent());
		Files.write(target, browser.getScreenshotAs(OutputType.BYTES));
	}

}
