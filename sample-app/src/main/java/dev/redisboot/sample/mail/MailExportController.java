package dev.redisboot.sample.mail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.redisboot.sample.session.SignedInUser;
import dev.redisboot.sample.session.UserSessions;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's mail export, a background job the user can start, poll and cancel:
 * <ul>
 * <li>{@code POST /api/me/mails/export} (optionally {@code ?delay=PT1H}) enqueues a
 * {@value MailExport#JOB_TYPE} job with {@link JobQueue#enqueueUnique}: while the user's
 * export is unfinished, asking again returns the same job (202 either way);</li>
 * <li>{@code GET /api/me/mails/export} shows its status ({@link JobQueue#status}: queued,
 * scheduled, running, retrying, done, dead or cancelled), 404 when there is none;</li>
 * <li>{@code DELETE /api/me/mails/export} cancels it ({@link JobQueue#cancel}).</li>
 * </ul>
 * The job id is kept in the user's session (in Redis, so every instance finds it), never
 * taken from the request: a user sees and cancels only their own export.
 *
 * @author redisboot
 */
@RestController
class MailExportController {

	static final String JOB_ATTRIBUTE = "mailExportJob";

	private static final Duration MAX_DELAY = Duration.ofDays(1);

	private final JobQueue jobs;

	private final UserSessions sessions;

	MailExportController(JobQueue jobs, UserSessions sessions) {
		this.jobs = jobs;
		this.sessions = sessions;
	}

	@PostMapping("/api/me/mails/export")
	ResponseEntity<Map<String, Object>> start(HttpServletRequest request,
			@RequestParam(required = false) @Nullable Duration delay) {
		SignedInUser user = this.sessions.require(request);
		if (delay != null && (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0)) {
			return ResponseEntity.badRequest().body(Map.of("error", "delay must be between PT0S and P1D"));
		}
		MailExport export = new MailExport(user.id(), user.email());
		String key = MailExport.uniqueKey(user.id());
		String jobId = (delay != null && !delay.isZero())
				? this.jobs.enqueueUniqueIn(delay, MailExport.JOB_TYPE, export, key)
				: this.jobs.enqueueUnique(MailExport.JOB_TYPE, export, key);
		session(request).setAttribute(JOB_ATTRIBUTE, jobId);
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("jobId", jobId));
	}

	@GetMapping("/api/me/mails/export")
	ResponseEntity<Map<String, Object>> status(HttpServletRequest request) {
		this.sessions.require(request);
		String jobId = jobId(request);
		JobStatus status = (jobId != null) ? this.jobs.status(jobId).orElse(null) : null;
		if (status == null) {
			return ResponseEntity.notFound().build();
		}
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("jobId", status.jobId());
		view.put("state", status.state());
		view.put("attempts", status.attempts());
		view.put("enqueuedAt", status.enqueuedAt());
		view.put("updatedAt", status.updatedAt());
		view.put("dueAt", status.dueAt());
		// lastError is left out: an exception's message is for operators, not for users
		return ResponseEntity.ok(view);
	}

	@DeleteMapping("/api/me/mails/export")
	ResponseEntity<Map<String, Object>> cancel(HttpServletRequest request) {
		this.sessions.require(request);
		String jobId = jobId(request);
		if (jobId == null) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok(Map.of("jobId", jobId, "outcome", this.jobs.cancel(jobId)));
	}

	private static HttpSession session(HttpServletRequest request) {
		return request.getSession();
	}

	private static @Nullable String jobId(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		Object jobId = (session != null) ? session.getAttribute(JOB_ATTRIBUTE) : null;
		return (jobId instanceof String id) ? id : null;
	}

}
