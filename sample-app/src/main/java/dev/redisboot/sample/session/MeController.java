package dev.redisboot.sample.session;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

	/**
	 * A session handle: 32 characters of Base64url. Anything else (a session id, say, which
	 * {@code PrincipalSessions.revokeSession} would take too) is not looked up.
	 */
	private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{32}");

	private final UserSessions sessions;

	MeController(UserSessions sessions) {
		this.sessions = sessions;
	}

	/**
	 * The signed-in user, from the session (no database read), and how many sessions the
	 * user has, counted in Redis at most every few seconds (see
	 * {@link UserSessions#sessionCount}): most calls cost Redis only the session's own read
	 * and write.
	 */
	@GetMapping
	MeView me(HttpServletRequest request) {
		SignedInUser user = this.sessions.require(request);
		return new MeView(user.id(), user.email(), user.name(), user.plan(), this.sessions.sessionCount(user));
	}

	/**
	 * The signed-in user's sessions, oldest first, the current one marked, each with the
	 * device and time of its sign-in.
	 */
	@GetMapping("/sessions")
	List<SessionView> sessions(HttpServletRequest request) {
		return this.sessions.sessionViews(request);
	}

	/**
	 * Signs one of the user's sessions out by its handle ("sign out this device"): 204, or
	 * 404 when the user has no session with that handle. The current session's handle signs
	 * this browser out.
	 */
	@DeleteMapping("/sessions/{handle}")
	ResponseEntity<Void> signOut(@PathVariable String handle, HttpServletRequest request) {
		this.sessions.require(request);
		if (!HANDLE.matcher(handle).matches() || !this.sessions.signOut(request, handle)) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.noContent().build();
	}

}
