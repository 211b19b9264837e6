package dev.redisboot.session;

import java.util.List;
import java.util.Map;

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

	record Profile(String name, List<String> roles) {
	}

	@RestController
	static class SessionController {

		private final ObjectProvider<PrincipalSessions> sessions;

		SessionController(ObjectProvider<PrincipalSessions> sessions) {
			this.sessions = sessions;
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
