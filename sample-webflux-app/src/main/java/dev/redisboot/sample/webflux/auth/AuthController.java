package dev.redisboot.sample.webflux.auth;

import java.util.Map;

import dev.redisboot.sample.webflux.mail.WelcomeEmail;
import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.stream.JobQueue;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebSession;

/**
 * Sign-up ({@code POST /api/auth/signup}), sign-in ({@code POST /api/auth/login}, a session in
 * Redis, the {@code SESSION} cookie), {@code GET /api/me}, sign-out ({@code POST /api/auth/logout})
 * and sign out everywhere ({@code POST /api/auth/logout-everywhere}, every session of the user on
 * every instance, through the principal index).
 * <p>
 * Enqueuing the welcome mail and signing out everywhere call blocking redisboot APIs, so they
 * run on Reactor's bounded elastic scheduler, never on the event loop.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api")
class AuthController {

	private final Users users;

	private final JobQueue jobs;

	private final ObjectProvider<PrincipalSessions> sessions;

	AuthController(Users users, JobQueue jobs, ObjectProvider<PrincipalSessions> sessions) {
		this.users = users;
		this.jobs = jobs;
		this.sessions = sessions;
	}

	@PostMapping("/auth/signup")
	@ResponseStatus(HttpStatus.CREATED)
	Mono<SignedInUser> signUp(@RequestBody SignUp request) {
		// The new API key is a random UUID (which may read /dev/urandom) and the job is enqueued in
		// Redis with a blocking call: both off the event loop
		return Mono.fromCallable(() -> {
			User user = this.users.signUp(request.email(), request.name(), request.password())
				.orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT, "Email taken"));
			this.jobs.enqueue(WelcomeEmail.JOB_TYPE, new WelcomeEmail(user.id(), user.email(), user.name()),
					WelcomeEmail.key(user.id()));
			return new SignedInUser(user.id(), user.email(), user.name());
		}).subscribeOn(Schedulers.boundedElastic());
	}

	@PostMapping("/auth/login")
	Mono<Map<String, Object>> login(@RequestBody SignIn request, WebSession session) {
		User account = this.users.signIn(request.email(), request.password())
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Wrong email or password"));
		SignedInUser user = new SignedInUser(account.id(), account.email(), account.name());
		// A new session id at sign-in, so that an id planted before it (session fixation) is worthless
		return session.changeSessionId().then(Mono.fromSupplier(() -> {
			session.getAttributes().put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user.email());
			session.getAttributes().put(SignedInUser.ATTRIBUTE, user);
			return Map.of("name", user.name(), "apiKey", account.apiKey());
		}));
	}

	@GetMapping("/me")
	SignedInUser me(WebSession session) {
		return signedIn(session);
	}

	@PostMapping("/auth/logout")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> logout(WebSession session) {
		return session.invalidate();
	}

	@PostMapping("/auth/logout-everywhere")
	Mono<Map<String, Integer>> logoutEverywhere(WebSession session) {
		SignedInUser user = signedIn(session);
		return Mono.fromCallable(() -> this.sessions.getObject().revokeSessions(user.email()))
			.subscribeOn(Schedulers.boundedElastic())
			.map((revoked) -> Map.of("revoked", revoked));
	}

	private static SignedInUser signedIn(WebSession session) {
		SignedInUser user = session.getAttribute(SignedInUser.ATTRIBUTE);
		if (user == null) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Not signed in");
		}
		return user;
	}

	record SignUp(String email, String name, String password) {

	}

	record SignIn(String email, String password) {

	}

}
