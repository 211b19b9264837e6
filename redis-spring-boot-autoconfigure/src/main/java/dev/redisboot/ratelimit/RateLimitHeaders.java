package dev.redisboot.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * Writes rate-limit decisions to HTTP responses: the {@code RateLimit-Policy} and
 * {@code RateLimit} headers of draft-ietf-httpapi-ratelimit-headers-10
 * ({@code RateLimit-Policy: "login";q=10;w=60}, {@code RateLimit: "login";r=7;t=42}), and
 * for a turned-away request the status, {@code Retry-After} and an RFC 9457
 * {@code application/problem+json} body.
 * <p>
 * A rule with several limits lists each in {@code RateLimit-Policy} (the first under the
 * rule's name, the others as {@code "<rule>-2"} and so on) and reports its remaining
 * requests (the least of all its limits) under the rule's name in {@code RateLimit}.
 * <p>
 * One writer for the filters and the exception handlers of both web stacks, so that a request
 * turned away by any of them gets the same answer; it knows neither stack (each writes what it
 * gives to its own response).
 */
final class RateLimitHeaders {

	/**
	 * The policy header.
	 */
	static final String POLICY = "RateLimit-Policy";

	/**
	 * The state header.
	 */
	static final String STATE = "RateLimit";

	private RateLimitHeaders() {
	}

	/**
	 * Adds the headers of the decisions whose rules send them.
	 * @param header sets a response header
	 * @param decisions the decisions
	 */
	static void write(BiConsumer<String, String> header, List<RateLimitDecision> decisions) {
		StringJoiner policies = new StringJoiner(", ");
		StringJoiner states = new StringJoiner(", ");
		for (RateLimitDecision decision : decisions) {
			if (!decision.headers() || decision.isUnavailable()) {
				continue;
			}
			List<Limit> limits = decision.limits();
			for (int i = 0; i < limits.size(); i++) {
				Limit limit = limits.get(i);
				String name = (i == 0) ? decision.rule() : decision.rule() + "-" + (i + 1);
				policies.add("\"" + name + "\";q=" + limit.capacity() + ";w="
						+ Math.max(1, (limit.period().toMillis() + 999) / 1000));
			}
			states.add("\"" + decision.rule() + "\";r=" + decision.remaining() + ";t=" + decision.resetSeconds());
		}
		if (policies.length() > 0) {
			header.accept(POLICY, policies.toString());
			header.accept(STATE, states.toString());
		}
	}

	/**
	 * The RFC 9457 problem body of a turned-away request (429 when over a limit, 503 when the
	 * limits could not be checked, 401 when the request has no client key), to send as
	 * {@code application/problem+json} with the rejection's status and {@code Retry-After}.
	 * @param rejection why the request is turned away
	 * @param instance the request path, for the problem's {@code instance}
	 * @return the body, in UTF-8
	 */
	static byte[] body(Rejection rejection, String instance) {
		String body = "{\"type\":\"about:blank\",\"title\":" + json(rejection.title()) + ",\"status\":"
				+ rejection.status() + ",\"detail\":" + json(rejection.detail()) + ",\"instance\":" + json(instance)
				+ ",\"rule\":" + json(rejection.rule())
				+ ((rejection.retryAfterSeconds() > 0) ? ",\"retryAfter\":" + rejection.retryAfterSeconds() : "")
				+ "}";
		return body.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The rejection for a decision that did not allow the request.
	 * @param decision the decision
	 * @param unavailableRetrySeconds {@code Retry-After} when the limiter was unavailable
	 * @param clientKeyKind the kind of key the rule needs, for a missing client's message
	 * @return the rejection
	 */
	static Rejection rejection(RateLimitDecision decision, long unavailableRetrySeconds,
			@Nullable String clientKeyKind) {
		if (decision.isMissingClient()) {
			return new Rejection(401, "Unauthorized", decision.rule(), "This request needs a known client identity"
					+ ((clientKeyKind != null) ? " (" + clientKeyKind + ")" : "") + " for the rate limit '"
					+ decision.rule() + "'.", 0);
		}
		if (decision.isUnavailable()) {
			return new Rejection(503, "Service Unavailable", decision.rule(),
					"The rate limit '" + decision.rule() + "' cannot be checked right now; try again later.",
					unavailableRetrySeconds);
		}
		return new Rejection(429, "Too Many Requests", decision.rule(), "Too many requests for '" + decision.rule()
				+ "'; try again in " + decision.resetSeconds() + " s.", decision.resetSeconds());
	}

	private static String json(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

	/**
	 * Why a request is turned away.
	 *
	 * @param status the HTTP status
	 * @param title the problem title
	 * @param rule the rule
	 * @param detail the problem detail
	 * @param retryAfterSeconds {@code Retry-After}, or 0 for none
	 */
	record Rejection(int status, String title, String rule, String detail, long retryAfterSeconds) {
	}

}
