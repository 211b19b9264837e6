package dev.redisboot.sample.mail;

import java.util.List;

import dev.redisboot.sample.session.SignedInUser;
import dev.redisboot.sample.session.UserSessions;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/me/mails}: the mails sent to the signed-in user, newest first (at most
 * 50). 401 without a signed-in session: mails are nobody else's business.
 *
 * @author redisboot
 */
@RestController
class MailController {

	private final SentMailRepository mails;

	private final UserSessions sessions;

	MailController(SentMailRepository mails, UserSessions sessions) {
		this.mails = mails;
		this.sessions = sessions;
	}

	@GetMapping("/api/me/mails")
	List<SentMailView> mails(HttpServletRequest request) {
		SignedInUser user = this.sessions.require(request);
		return this.mails.findTop50ByUserIdOrderBySentAtDescIdDesc(user.id())
			.stream()
			.map(SentMailView::from)
			.toList();
	}

}
