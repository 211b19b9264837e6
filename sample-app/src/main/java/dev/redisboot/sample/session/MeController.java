package dev.redisboot.sample.session;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/me} endpoints: the user signed into the request's session. 401 without one.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/me")
class MeController {

	private final UserSessions sessions;

	MeController(UserSessions sessions) {
		this.sessions = sessions;
	}

	/**
	 * The signed-in user, from the session (no database read), and how many sessions the
	 * user has (one read of Redis).
	 */
	@GetMapping
	MeView me(HttpServletRequest request) {
		SignedInUser user = this.sessions.require(request);
		return new MeView(user.id(), user.email(), user.name(), user.plan(), this.sessions.sessionsOf(user).size());
	}

	/**
	 * The signed-in user's sessions, oldest first, the current one marked.
	 */
	@GetMapping("/sessions")
	List<SessionView> sessions(HttpServletRequest request) {
		SignedInUser user = this.sessions.require(request);
		String current = this.sessions.currentSessionHandle(request);
		return this.sessions.sessionsOf(user).stream().map((summary) -> SessionView.of(summary, current)).toList();
	}

}
