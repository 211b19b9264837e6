package dev.redisboot.sample.session;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A readable name for the device a request came from, such as {@code Firefox on Linux}, taken
 * from its {@code User-Agent} header: what "your sessions" shows for each sign-in. Only this
 * name is kept, never the header itself, whose many details (versions, build numbers) help
 * tell one person's browser from everyone else's.
 * <p>
 * A few well-known browsers, systems and tools are told apart; anything else is
 * {@value #UNKNOWN}. Good enough to recognise one's own devices, which is all it is for.
 *
 * @author redisboot
 */
final class DeviceName {

	static final String UNKNOWN = "Unknown device";

	private DeviceName() {
	}

	/**
	 * The device name of a {@code User-Agent} header.
	 * @param userAgent the header, if the request had one
	 * @return the name, {@value #UNKNOWN} when nothing in the header is known
	 */
	static String of(@Nullable String userAgent) {
		if (userAgent == null || userAgent.isBlank()) {
			return UNKNOWN;
		}
		String agent = (userAgent.length() > 512) ? userAgent.substring(0, 512) : userAgent;
		String browser = browser(agent);
		String system = system(agent);
		if (browser == null) {
			return (system != null) ? "Browser on " + system : UNKNOWN;
		}
		return (system != null) ? browser + " on " + system : browser;
	}

	private static @Nullable String browser(String agent) {
		if (agent.contains("Edg/") || agent.contains("EdgA/") || agent.contains("EdgiOS/") || agent.contains("Edge/")) {
			return "Edge";
		}
		if (agent.contains("OPR/") || agent.contains("Opera")) {
			return "Opera";
		}
		if (agent.contains("SamsungBrowser/")) {
			return "Samsung Internet";
		}
		if (agent.contains("Firefox/") || agent.contains("FxiOS/")) {
			return "Firefox";
		}
		if (agent.contains("HeadlessChrome/")) {
			return "Headless Chrome";
		}
		if (agent.contains("Chromium/")) {
			return "Chromium";
		}
		if (agent.contains("Chrome/") || agent.contains("CriOS/")) {
			return "Chrome";
		}
		if (agent.contains("Safari/") && agent.contains("Version/")) {
			return "Safari";
		}
		String lower = agent.toLowerCase(Locale.ROOT);
		if (lower.startsWith("curl/")) {
			return "curl";
		}
		if (lower.startsWith("wget/")) {
			return "Wget";
		}
		if (lower.startsWith("postmanruntime/")) {
			return "Postman";
		}
		if (lower.startsWith("java") || lower.contains("reactornetty") || lower.contains("okhttp")) {
			return "HTTP client";
		}
		return null;
	}

	private static @Nullable String system(String agent) {
		if (agent.contains("Windows")) {
			return "Windows";
		}
		if (agent.contains("iPhone")) {
			return "iPhone";
		}
		if (agent.contains("iPad")) {
			return "iPad";
		}
		if (agent.contains("Android")) {
			return "Android";
		}
		if (agent.contains("CrOS")) {
			return "ChromeOS";
		}
		if (agent.contains("Macintosh") || agent.contains("Mac OS X")) {
			return "macOS";
		}
		if (agent.contains("Linux") || agent.contains("X11")) {
			return "Linux";
		}
		return null;
	}

}
