package dev.redisboot.sample;

import java.io.File;
import java.nio.file.Path;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}, driven by {@code /usr/bin/chromedriver}),
 * as the browser tests start it: nothing downloaded, no background network traffic (the machine's
 * closed network refuses it), a profile of the test's own.
 */
final class HeadlessChromium {

	private HeadlessChromium() {
	}

	/**
	 * Starts a browser.
	 * @param profile an empty directory for the browser's profile
	 * @return the driver of the browser
	 */
	static ChromeDriver start(Path profile) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

}
