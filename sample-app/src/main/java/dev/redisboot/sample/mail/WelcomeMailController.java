package dev.redisboot.sample.mail;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.redisboot.sample.session.UserSessions;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/me/welcome-mail}: where the welcome mail of the account this browser signed
 * up stands, from the job's status record ({@link JobQueue#status}): {@code QUEUED},
 * {@code RUNNING}, {@code RETRYING}, then {@code DONE} (or {@code DEAD}), with its attempts
 * and times. What the demo page shows moving after a sign-up. 404 when this browser signed no
 * account up (the job id is in the session, put there by the sign-up, never taken from the
 * request) or the record has expired; 401 without a signed-in session.
 *
 * @author redisboot
 */
@RestController
class WelcomeMailController {

	private final JobQueue jobs;

	private final UserSessions sessions;

	WelcomeMailController(JobQueue jobs, UserSessions sessions) {
		this.jobs = jobs;
		this.sessions = sessions;
	}

	@GetMapping("/api/me/welcome-mail")
	ResponseEntity<Map<String, Object>> status(HttpServletRequest request) {
		this.sessions.require(request);
		HttpSession session = request.getSession(false);
		Object jobId = (session != null) ? session.getAttribute(WelcomeEmail.JOB_ATTRIBUTE) : null;
		JobStatus status = (jobId instanceof String id) ? this.jobs.status(id).orElse(null) : null;
		if (status == null) {
			return ResponseEntity.notFound().build();
		}
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("state", status.state());
		view.put("finished", status.state().isFinished());
		view.put("attempts", status.attempts());
		view.put("enqueuedAt", status.enqueuedAt());
		view.put("updatedAt", status.updatedAt());
		// lastError is left out: an exception's message is for operators, not for users
		return ResponseEntity.ok(view);
	}

}
