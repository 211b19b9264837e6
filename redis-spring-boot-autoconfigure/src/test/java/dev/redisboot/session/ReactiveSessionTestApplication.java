package dev.redisboot.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.session.SessionTestApplication.Profile;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * The WebFlux twin of {@link SessionTestApplication}: the same endpoints on
 * {@link WebSession}, never blocking an event loop, and storing the same
 * {@link Profile} type, so that instances of both share sessions.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ReactiveSessionTestApplication {

	@Bean
	io.micrometer.core.instrument.MeterRegistry meterRegistry() {
		return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
	}

	@Bean
	Gate gate() {
		return new Gate();
	}

	/**
	 * Holds requests inside the controller, after they read their session and before it is
	 * saved, without blocking their thread: a test acts in between (revoke, delete a key) or
	 * lines concurrent requests up.
	 */
	static final class Gate {

		private volatile CountDownLatch reached = new CountDownLatch(0);

		private volatile Sinks.Empty<Void> release = opened();

		private volatile int parties;

		private final AtomicInteger arrived = new AtomicInteger();

		private volatile Sinks.Empty<Void> allArrived = opened();

		/**
		 * The next request that passes waits until {@link #open()}.
		 */
		void hold() {
			this.reached = new CountDownLatch(1);
			this.release = Sinks.empty();
		}

		/**
		 * The next {@code parties} requests that pass wait for each other.
		 */
		void lineUp(int parties) {
			this.arrived.set(0);
			this.parties = parties;
			this.allArrived = Sinks.empty();
		}

		void awaitReached() throws InterruptedException {
			if (!this.reached.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("No request reached the gate");
			}
		}

		void open() {
			this.release.tryEmitEmpty();
		}

		/**
		 * Waits for the parties of {@link #lineUp(int)}, then for {@link #open()} if held.
		 */
		Mono<Void> pass() {
			return meet().then(held());
		}

		/**
		 * Waits for the parties of {@link #lineUp(int)} only; passes at once when they have met.
		 */
		Mono<Void> meet() {
			return Mono.defer(() -> {
				Sinks.Empty<Void> all = this.allArrived;
				if (this.arrived.incrementAndGet() == this.parties) {
					all.tryEmitEmpty();
				}
				return all.asMono();
			}).timeout(Duration.ofSeconds(10));
		}

		/**
		 * Waits for {@link #open()} if held.
		 */
		Mono<Void> held() {
			return Mono.defer(() -> {
				this.reached.countDown();
				return this.release.asMono();
			}).timeout(Duration.ofSeconds(10));
		}

		private static Sinks.Empty<Void> opened() {
			Sinks.Empty<Void> sink = Sinks.empty();
			sink.tryEmitEmpty();
			return sink;
		}

	}

	@RestController
	static class ReactiveSessionController {

		private final ObjectProvider<PrincipalSessions> sessions;

		private final Gate gate;

		ReactiveSessionController(ObjectProvider<PrincipalSessions> sessions, Gate gate) {
			this.sessions = sessions;
			this.gate = gate;
		}

		@PostMapping("/login")
		Mono<String> login(@RequestParam String user, WebSession session) {
			Mono<Void> newId = session.isStarted() ? session.changeSessionId() : Mono.empty();
			return newId.then(Mono.fromSupplier(() -> {
				session.getAttributes().put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
				session.getAttributes().put("profile", new Profile(user, List.of("user")));
				return session.getId();
			}));
		}

		/**
		 * Gives the request's session a new id, as sign-in does: lined up requests meet
		 * before it (a new id is saved at once, so a request lined up after it could read
		 * the session only after another had moved it), a held one waits after it.
		 */
		@PostMapping("/rotate")
		Mono<ResponseEntity<String>> rotate(WebSession session) {
			if (!session.isStarted()) {
				return Mono.just(ResponseEntity.status(401).build());
			}
			return this.gate.meet()
				.then(session.changeSessionId())
				.then(Mono.fromRunnable(() -> session.getAttributes().put("rotated", Boolean.TRUE)))
				.then(this.gate.held())
				.then(Mono.fromSupplier(() -> ResponseEntity.ok(session.getId())));
		}

		/**
		 * Counts a visit in the request's session, if it has one, after passing the gate.
		 */
		@PostMapping("/visits-held")
		Mono<ResponseEntity<String>> visitHeld(WebSession session) {
			if (!session.isStarted()) {
				return Mono.just(ResponseEntity.status(401).build());
			}
			Integer visits = session.getAttribute("visits");
			return this.gate.pass().then(Mono.fromSupplier(() -> {
				int count = (visits != null) ? visits + 1 : 1;
				session.getAttributes().put("visits", count);
				return ResponseEntity.ok(Integer.toString(count));
			}));
		}

		@GetMapping("/me")
		ResponseEntity<String> me(WebSession session) {
			Profile profile = session.getAttribute("profile");
			return (profile != null) ? ResponseEntity.ok(profile.name()) : ResponseEntity.status(401).build();
		}

		@PostMapping("/visits")
		String visit(WebSession session) {
			Integer visits = session.getAttribute("visits");
			int count = (visits != null) ? visits + 1 : 1;
			session.getAttributes().put("visits", count);
			return Integer.toString(count);
		}

		@PostMapping("/logout")
		Mono<ResponseEntity<Void>> logout(WebSession session) {
			return session.invalidate().then(Mono.just(ResponseEntity.noContent().build()));
		}

		/**
		 * Signs a user out everywhere: {@code PrincipalSessions} blocks, so off the event loop.
		 */
		@PostMapping("/logout-everywhere")
		Mono<Map<String, Integer>> logoutEverywhere(@RequestParam String user) {
			return Mono.fromCallable(() -> Map.of("revoked", this.sessions.getObject().revokeSessions(user)))
				.subscribeOn(Schedulers.boundedElastic());
		}

		@GetMapping("/plain")
		String plain() {
			return "ok";
		}

	}

}
