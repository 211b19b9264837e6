package dev.redisboot.sample.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.session.SessionSummary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.stereotype.Component;

/**
 * Signs users in and out of their HTTP sessions, which Spring Session keeps in Redis (the
 * redisboot starter configures it). A session belongs to a user through the attribute
 * {@link FindByIndexNameSessionRepository#PRINCIPAL_NAME_INDEX_NAME}, the user's email
 * address, by which {@link PrincipalSessions} finds and revokes the user's sessions. (With
 * Spring Security, which this sample leaves out, its session management does all of this.)
 *
 * @author redisboot
 */
@Component
public class UserSessions {

	/**
	 * The session attribute that holds the {@link SignedInUser}.
	 */
	public static final String USER_ATTRIBUTE = "signedInUser";

	private final PrincipalSessions principalSessions;

	private final SignInDevices devices;

	/**
	 * Session counts by principal name, in this instance's memory only (never in Redis, where
	 * the name would stand in a key).
	 */
	private final Cache<String, Integer> sessionCounts;

	/**
	 * Creates the sessions of users.
	 * @param principalSessions the sessions of each principal in Redis
	 * @param sessionCountMaxAge how long {@link #sessionCount} reuses a user's session count
	 * ({@code sample.session-count-max-age}, 5 seconds by default): {@code GET /api/me} is
	 * the request a browser sends most, and counting reads the user's principal index and
	 * every session in it (one round trip, 1 + n commands)
	 * @param devices the device and time of each sign-in
	 */
	UserSessions(PrincipalSessions principalSessions,
			@Value("${sample.session-count-max-age:5s}") Duration sessionCountMaxAge, SignInDevices devices) {
		this.principalSessions = principalSessions;
		this.devices = devices;
		this.sessionCounts = Caffeine.newBuilder().expireAfterWrite(sessionCountMaxAge).maximumSize(10_000).build();
	}

	/**
	 * Signs a user into the request's session. A session the request already has gets a new
	 * id first, so that an id planted in the browser beforehand (session fixation) is not
	 * the signed-in one; otherwise a new session is created. Signing in once more than
	 * {@code redisboot.session.max-sessions-per-principal} allows revokes the user's oldest
	 * session, when the session is saved at the end of the request. The device (from the
	 * {@code User-Agent} header) and time of the sign-in are recorded for
	 * {@link #sessionViews}.
	 * @param request the sign-in request
	 * @param user the user whose email and password were checked
	 */
	public void signIn(HttpServletRequest request, SignedInUser user) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			request.changeSessionId();
		}
		else {
			session = request.getSession(true);
		}
		SignedInUser before = signedInUser(session);
		session.setAttribute(USER_ATTRIBUTE, user);
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user.email());
		forgetSessionCount(before);
		forgetSessionCount(user);
		this.devices.record(user.email(), this.principalSessions.sessionHandle(session.getId()),
				DeviceName.of(request.getHeader(HttpHeaders.USER_AGENT)), Instant.now());
	}

	/**
	 * The user signed into the request's session, read from the session alone.
	 * @param request the request
	 * @return the user, or empty when the request has no signed-in session
	 */
	public Optional<SignedInUser> current(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return Optional.ofNullable((session != null) ? signedInUser(session) : null);
	}

	/**
	 * The user signed into the request's session.
	 * @param request the request
	 * @return the user
	 * @throws NotSignedInException when the request has no signed-in session (401)
	 */
	public SignedInUser require(HttpServletRequest request) {
		return current(request).orElseThrow(NotSignedInException::new);
	}

	/**
	 * The sessions of the request's user, oldest first, from Redis.
	 * @param user the signed-in user
	 * @return the user's live sessions, the current one among them
	 */
	public List<SessionSummary> sessionsOf(SignedInUser user) {
		List<SessionSummary> sessions = this.principalSessions.findSessions(user.email());
		this.sessionCounts.put(user.email(), sessions.size());
		return sessions;
	}

	/**
	 * The sessions of the request's user, oldest first, each with the device and time of its
	 * sign-in and the current one marked: what "your sessions" shows. Never a session id.
	 * @param request the request
	 * @return the user's live sessions
	 * @throws NotSignedInException when the request has no signed-in session (401)
	 */
	public List<SessionView> sessionViews(HttpServletRequest request) {
		SignedInUser user = require(request);
		String current = currentSessionHandle(request);
		List<SessionSummary> sessions = sessionsOf(user);
		Map<String, SignInDevices.SignIn> signIns = this.devices.find(user.email(),
				sessions.stream().map(SessionSummary::handle).collect(Collectors.toSet()));
		return sessions.stream()
			.map((summary) -> SessionView.of(summary, current, signIns.get(summary.handle())))
			.toList();
	}

	/**
	 * How many live sessions the request's user has, on all devices, this one included. Read
	 * from Redis at most once per {@code sample.session-count-max-age} (5 seconds) per user
	 * and instance (the requests that ask meanwhile wait for that one read), and again at once
	 * after this instance signed the user in or out: a sign-in or sign-out through another
	 * instance, or a session that timed out, shows within those 5 seconds.
	 * @param user the signed-in user
	 * @return the number of sessions
	 */
	public int sessionCount(SignedInUser user) {
		Integer count = this.sessionCounts.get(user.email(),
				(email) -> this.principalSessions.findSessions(email).size());
		return (count != null) ? count : 0;
	}

	/**
	 * Signs the request's session out: deletes it from Redis and clears the cookie. Does
	 * nothing when the request has no session.
	 * @param request the request
	 */
	public void signOut(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			SignedInUser user = signedInUser(session);
			forgetSessionCount(user);
			if (user != null) {
				this.devices.forget(user.email(), this.principalSessions.sessionHandle(session.getId()));
			}
			session.invalidate();
		}
	}

	/**
	 * Signs one of the request's user's sessions out, by its handle: a lost phone's, say, or
	 * this one's (then as {@link #signOut(HttpServletRequest)} does).
	 * @param request the request
	 * @param handle the session's handle, as {@link #sessionViews} lists it
	 * @return whether the user had a session with that handle, which is now signed out
	 * @throws NotSignedInException when the request has no signed-in session (401)
	 */
	public boolean signOut(HttpServletRequest request, String handle) {
		SignedInUser user = require(request);
		if (handle.equals(currentSessionHandle(request))) {
			signOut(request);
			return true;
		}
		boolean revoked = this.principalSessions.revokeSession(user.email(), handle);
		if (revoked) {
			forgetSessionCount(user);
			this.devices.forget(user.email(), handle);
		}
		return revoked;
	}

	/**
	 * Signs the request's user out everywhere: revokes all of the user's sessions, on every
	 * device and every instance of the application, this one included, and clears this
	 * request's cookie.
	 * @param request the request
	 * @return how many sessions were revoked, this one included
	 * @throws NotSignedInException when the request has no signed-in session (401)
	 */
	public int signOutEverywhere(HttpServletRequest request) {
		SignedInUser user = require(request);
		int revoked = this.principalSessions.revokeSessions(user.email());
		this.devices.forgetAll(user.email());
		// Already deleted from Redis; invalidating it here also expires the browser's cookie
		signOut(request);
		return revoked;
	}

	/**
	 * The handle of the request's session, to tell it apart in a list of sessions without
	 * showing its id.
	 * @param request the request
	 * @return the handle, or {@code null} when the request has no session
	 */
	public @Nullable String currentSessionHandle(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return (session != null) ? this.principalSessions.sessionHandle(session.getId()) : null;
	}

	private void forgetSessionCount(@Nullable SignedInUser user) {
		if (user != null) {
			this.sessionCounts.invalidate(user.email());
		}
	}

	private static @Nullable SignedInUser signedInUser(HttpSession session) {
		try {
			return (session.getAttribute(USER_ATTRIBUTE) instanceof SignedInUser user) ? user : null;
		}
		catch (IllegalStateException ex) {
			return null; // invalidated earlier in this request
		}
	}

}
