package dev.redisboot.sample.mail;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data repository for {@link SentMail sent mails}.
 *
 * @author redisboot
 */
public interface SentMailRepository extends JpaRepository<SentMail, Long> {

	boolean existsByMessageKey(String messageKey);

	List<SentMail> findByUserId(long userId);

	List<SentMail> findTop50ByUserIdOrderBySentAtDescIdDesc(long userId);

}
