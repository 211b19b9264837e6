package dev.redisboot.sample.webflux.mail;

import java.util.List;

import dev.redisboot.sample.webflux.auth.SignedInUser;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebSession;

/**
 * {@code GET /api/me/mails}: the mails sent to the signed-in user.
 *
 * @author redisboot
 */
@RestController
class MailController {

	private final WelcomeMailer mailer;

	MailController(WelcomeMailer mailer) {
		this.mailer = mailer;
	}

	@GetMapping("/api/me/mails")
	List<SentMail> mails(WebSession session) {
		SignedInUser user = session.getAttribute(SignedInUser.ATTRIBUTE);
		if (user == null) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Not signed in");
		}
		return this.mailer.sentTo(user.email());
	}

}
