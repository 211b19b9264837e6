package dev.redisboot.sample.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeviceName}.
 *
 * @author redisboot
 */
class DeviceNameTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0 | Firefox on Linux
			Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 | Chrome on Windows
			Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 Edg/137.0.0.0 | Edge on Windows
			Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15 | Safari on macOS
			Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1 | Safari on iPhone
			Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/137.0 Mobile/15E148 Safari/604.1 | Chrome on iPad
			Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile Safari/537.36 | Chrome on Android
			Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36 | Samsung Internet on Android
			Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 | Chrome on ChromeOS
			Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36 | Headless Chrome on Linux
			Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36 OPR/120.0.0.0 | Opera on Windows
			curl/8.14.1 | curl
			Java-http-client/17.0.15 | HTTP client
			Mozilla/5.0 (X11; Linux x86_64) SomethingNew/1.0 | Browser on Linux
			""")
	void namesKnownBrowsersAndSystems(String userAgent, String name) {
		assertThat(DeviceName.of(userAgent)).isEqualTo(name);
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { " ", "totally unknown agent", "<script>alert(1)</script>" })
	void anythingElseIsAnUnknownDevice(String userAgent) {
		assertThat(DeviceName.of(userAgent)).isEqualTo(DeviceName.UNKNOWN);
	}

	@ParameterizedTest
	@ValueSource(ints = { 10_000, 100_000 })
	void aLongHeaderIsReadOnlyAsFarAsItsStart(int length) {
		String userAgent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/139.0 " + "x".repeat(length);
		assertThat(DeviceName.of(userAgent)).isEqualTo("Firefox on Linux");
	}

}
