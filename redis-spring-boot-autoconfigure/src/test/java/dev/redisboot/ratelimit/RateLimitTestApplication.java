package dev.redisboot.ratelimit;

import java.security.Principal;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A small web application with rate-limited endpoints. A request header {@code X-Test-User}
 * stands in for authentication: a filter at Spring Security's order (-100) turns it into the
 * request's principal, so that rules keyed by user run after it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class RateLimitTestApplication {

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> fakeAuthentication() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request,
							jakarta.servlet.http.HttpServletResponse response, jakarta.servlet.FilterChain chain)
							throws jakarta.servlet.ServletException, java.io.IOException {
						String user = request.getHeader("X-Test-User");
						chain.doFilter((user == null) ? request : new HttpServletRequestWrapper(request) {

							@Override
							public Principal getUserPrincipal() {
								return () -> user;
							}

						}, response);
					}

				});
		registration.setOrder(-100);
		return registration;
	}

	@Bean
	io.micrometer.core.instrument.MeterRegistry meterRegistry() {
		return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
	}

	@Bean
	PasswordResets passwordResets() {
		return new PasswordResets();
	}

	@Bean
	Exports exports() {
		return new Exports();
	}

	@Bean
	RatePlanResolver planResolver() {
		return RateLimitTestApplication::plan;
	}

	/**
	 * The plan of a request's API key: keys of known clients start with a plan, anything else
	 * is an invented key.
	 */
	static @Nullable String plan(RateLimitRequest request, String rule) {
		String key = request.header("X-API-Key");
		return (key == null) ? null : key.startsWith("pro-") ? "pro" : key.startsWith("free-") ? "free" : null;
	}

	@RestController
	static class Endpoints {

		private final PasswordResets resets;

		private final Exports exports;

		Endpoints(PasswordResets resets, Exports exports) {
			this.resets = resets;
			this.exports = exports;
		}

		@GetMapping("/api/hello")
		Map<String, String> hello(HttpServletRequest request) {
			return Map.of("ip", request.getRemoteAddr());
		}

		@PostMapping("/api/auth/login")
		Map<String, String> login() {
			return Map.of("token", "t");
		}

		@GetMapping("/api/items")
		Map<String, String> items() {
			return Map.of("items", "[]");
		}

		@GetMapping("/api/me")
		Map<String, String> me(@Nullable Principal principal) {
			return Map.of("user", (principal != null) ? principal.getName() : "-");
		}

		@GetMapping("/api/outage/{mode}")
		Map<String, String> outage(@PathVariable String mode) {
			return Map.of("mode", mode);
		}

		@GetMapping("/api/t/**")
		Map<String, String> any(HttpServletRequest request) {
			return Map.of("path", request.getRequestURI());
		}

		@GetMapping("/api/export")
		Map<String, String> export() {
			return Map.of("export", this.exports.export());
		}

		@PostMapping("/api/reset/{email}")
		Map<String, String> reset(@PathVariable String email) {
			this.resets.send(email);
			return Map.of("sent", email);
		}

	}

	/**
	 * Exports data, limited per API key and plan by {@code @RateLimited} with the rule's own
	 * key (rule {@code export}, alike to the filter's rule {@code api}).
	 */
	static class Exports {

		@RateLimited(rule = "export")
		public String export() {
			return "done";
		}

	}

	/**
	 * Sends password-reset e-mails, at most twice an hour per address.
	 */
	static class PasswordResets {

		private int sent;

		@RateLimited(rule = "reset", key = "#email")
		public void send(String email) {
			this.sent++;
		}

		int sent() {
			return this.sent;
		}

	}

}
