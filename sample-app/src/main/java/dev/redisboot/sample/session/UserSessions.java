package dev.redisboot.sample.session;

import java.util.List;
import java.util.Optional;

import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.session.SessionSummary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

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

	UserSessions(PrincipalSessions principalSessions) {
		this.principalSessions = principalSessions;
	}

	/**
	 * Signs a user into the request's session. A session the request already has gets a new
	 * id first, so that an id planted in the browser beforehand (session fixation) is not
	 * the signed-in one; otherwise a new session is created. Signing in once more than
	 * {@code redisboot.session.max-sessions-per-principal} allows revokes the user's oldest
	 * session, when the session is saved at the end of the request.
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
		session.setAttribute(USER_ATTRIBUTE, user);
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user.email());
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
		return this.principalSessions.findSessions(user.email());
	}

	/**
	 * Signs the request's session out: deletes it from Redis and clears the cookie. Does
	 * nothing when the request has no session.
	 * @param request the request
	 */
	public void signOut(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
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

	private static @Nullable SignedInUser signedInUser(HttpSession session) {
		try {
			return (session.getAttribute(USER_ATTRIBUTE) instanceof SignedInUser user) ? user : null;
		}
		catch (IllegalStateException ex) {
			return null; // invalidated earlier in this request
		}
	}

}
