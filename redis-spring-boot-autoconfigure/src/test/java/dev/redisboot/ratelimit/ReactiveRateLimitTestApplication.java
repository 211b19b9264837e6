package dev.redisboot.ratelimit;

import java.security.Principal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebFilter;

/**
 * The WebFlux twin of {@link RateLimitTestApplication}: the same rate-limited endpoints on
 * Netty, with handlers returning {@code Mono} and {@code Flux}. A request header
 * {@code X-Test-User} stands in for authentication: a web filter at Spring Security's order
 * (-100) makes it the exchange's principal, so that rules keyed by user run after it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ReactiveRateLimitTestApplication {

	@Bean
	@Order(-100)
	WebFilter fakeAuthentication() {
		return (exchange, chain) -> {
			String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
			return chain.filter((user == null) ? exchange
					: exchange.mutate().principal(Mono.just((Principal) () -> user)).build());
		};
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

	@RestController
	static class Endpoints {

		private final PasswordResets resets;

		private final Exports exports;

		Endpoints(PasswordResets resets, Exports exports) {
			this.resets = resets;
			this.exports = exports;
		}

		@GetMapping("/api/hello")
		Mono<Map<String, String>> hello(ServerHttpRequest request) {
			return Mono.just(Map.of("ip", String.valueOf(request.getRemoteAddress())));
		}

		@PostMapping("/api/auth/login")
		Mono<Map<String, String>> login() {
			return Mono.just(Map.of("token", "t"));
		}

		@GetMapping("/api/items")
		Mono<Map<String, String>> items() {
			return Mono.just(Map.of("items", "[]"));
		}

		@GetMapping("/api/me")
		Mono<Map<String, String>> me(Mono<Principal> principal) {
			return principal.map((p) -> Map.of("user", p.getName())).defaultIfEmpty(Map.of("user", "-"));
		}

		@GetMapping("/api/outage/{mode}")
		Mono<Map<String, String>> outage(@PathVariable String mode) {
			return Mono.just(Map.of("mode", mode));
		}

		@GetMapping("/api/export")
		Mono<Map<String, String>> export() {
			return this.exports.export().map((done) -> Map.of("export", done));
		}

		@GetMapping("/api/export/lines")
		Flux<String> exportLines() {
			return this.exports.lines();
		}

		@PostMapping("/api/reset/{email}")
		Mono<Map<String, String>> reset(@PathVariable String email) {
			return this.resets.send(email).thenReturn(Map.of("sent", email));
		}

	}

	/**
	 * Exports data, limited per API key and plan by {@code @RateLimited} with the rule's own
	 * key (rule {@code export}, alike to the filter's rule {@code api}).
	 */
	static class Exports {

		private final AtomicInteger runs = new AtomicInteger();

		int runs() {
			return this.runs.get();
		}

		@RateLimited(rule = "export")
		public Mono<String> export() {
			this.runs.incrementAndGet();
			return Mono.just("done");
		}

		@RateLimited(rule = "export")
		public Flux<String> lines() {
			this.runs.incrementAndGet();
			return Flux.just("a", "b");
		}

	}

	/**
	 * Sends password-reset e-mails, at most twice an hour per address.
	 */
	static class PasswordResets {

		private final AtomicInteger sent = new AtomicInteger();

		int sent() {
			return this.sent.get();
		}

		@RateLimited(rule = "reset", key = "#email")
		public Mono<Void> send(String email) {
			return Mono.fromRunnable(this.sent::incrementAndGet);
		}

	}

}
