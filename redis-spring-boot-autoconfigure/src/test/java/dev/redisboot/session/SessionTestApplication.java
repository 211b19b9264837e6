package dev.redisboot.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

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

/**
 * A small web application that signs users in with the HTTP session.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SessionTestApplication {

	@Bean
	io.micrometer.core.instrument.MeterRegistry meterRegistry() {
		return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
	}

	@Bean
	Gate gate() {
		return new Gate();
	}

	@Bean
	SessionEvents sessionEvents() {
		return new SessionEvents();
	}

	/**
	 * The session events published, in order.
	 */
	static final class SessionEvents
			implements org.springframework.context.ApplicationListener<org.springframework.session.events.AbstractSessionEvent> {

		final List<org.springframework.session.events.AbstractSessionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(org.springframework.session.events.AbstractSessionEvent event) {
			this.events.add(event);
		}

		<T extends org.springframework.session.events.AbstractSessionEvent> List<String> ids(Class<T> type) {
			return this.events.stream().filter(type::isInstance).map((event) -> event.getSessionId()).toList();
		}

	}

	record Profile(String name, List<String> roles) {
	}

	/**
	 * Holds requests inside the controller, after they read their session and before it is
	 * saved, so that a test can act in between (revoke, delete a key) or line up concurrent
	 * requests.
	 */
	static final class Gate {

		private volatile CountDownLatch reached = new CountDownLatch(0);

		private volatile CountDownLatch release = new CountDownLatch(0);

		private volatile CyclicBarrier barrier;

		/**
		 * The next request that passes waits until {@link #open()}.
		 */
		void hold() {
			this.reached = new CountDownLatch(1);
			this.release = new CountDownLatch(1);
		}

		/**
		 * The next {@code parties} requests that pass wait for each other.
		 */
		void lineUp(int parties) {
			this.barrier = new CyclicBarrier(parties);
		}

		void awaitReached() throws InterruptedException {
			if (!this.reached.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("No request reached the gate");
			}
		}

		void open() {
			this.release.countDown();
		}

		void pass() throws InterruptedException, BrokenBarrierException, TimeoutException {
			CyclicBarrier barrier = this.barrier;
			if (barrier != null) {
				barrier.await(10, TimeUnit.SECONDS);
			}
			this.reached.countDown();
			this.release.await(10, TimeUnit.SECONDS);
		}

	}

	@RestController
	static class SessionController {

		private final ObjectProvider<PrincipalSessions> sessions;

		private final Gate gate;

		SessionController(ObjectProvider<PrincipalSessions> sessions, Gate gate) {
			this.sessions = sessions;
			this.gate = gate;
		}

		/**
		 * Gives the request's session a new id, as sign-in does, after passing the gate.
		 */
		@PostMapping("/rotate")
		ResponseEntity<String> rotate(HttpServletRequest request) throws Exception {
			HttpSession session = request.getSession(false);
			if (session == null) {
				return ResponseEntity.status(401).build();
			}
			request.changeSessionId();
			session.setAttribute("rotated", Boolean.TRUE);
			this.gate.pass();
			return ResponseEntity.ok(session.getId());
		}

		/**
		 * Counts a visit in the request's session, if it has one, after passing the gate.
		 */
		@PostMapping("/visits-held")
		ResponseEntity<String> visitHeld(HttpServletRequest request) throws Exception {
			HttpSession session = request.getSession(false);
			if (session == null) {
				return ResponseEntity.status(401).build();
			}
			Integer visits = (Integer) session.getAttribute("visits");
			this.gate.pass();
			int count = (visits != null) ? visits + 1 : 1;
			session.setAttribute("visits", count);
			return ResponseEntity.ok(Integer.toString(count));
		}

		@PostMapping("/login")
		String login(@RequestParam String user, HttpServletRequest request) {
			if (request.getSession(false) != null) {
				request.changeSessionId();
			}
			HttpSession session = request.getSession();
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			session.setAttribute("profile", new Profile(user, List.of("user")));
			return session.getId();
		}

		@GetMapping("/me")
		ResponseEntity<String> me(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Profile profile = (session != null) ? (Profile) session.getAttribute("profile") : null;
			return (profile != null) ? ResponseEntity.ok(profile.name()) : ResponseEntity.status(401).build();
		}

		@PostMapping("/visits")
		String visit(HttpServletRequest request) {
			HttpSession session = request.getSession();
			Integer visits = (Integer) session.getAttribute("visits");
			int count = (visits != null) ? visits + 1 : 1;
			session.setAttribute("visits", count);
			return Integer.toString(count);
		}

		@PostMapping("/logout")
		ResponseEntity<Void> logout(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			return ResponseEntity.noContent().build();
		}

		@PostMapping("/logout-everywhere")
		Map<String, Integer> logoutEverywhere(@RequestParam String user) {
			return Map.of("revoked", this.sessions.getObject().revokeSessions(user));
		}

		@GetMapping("/plain")
		String plain() {
			return "ok";
		}

	}

}
