package dev.redisboot.sample.billing;

import java.util.List;

import dev.redisboot.sample.user.Plan;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/**
 * Spring Data repository for {@link UsageInvoice usage invoices}.
 *
 * @author redisboot
 */
public interface UsageInvoiceRepository extends JpaRepository<UsageInvoice, Long> {

	boolean existsByUserIdAndPeriod(long userId, String period);

	List<UsageInvoice> findByUserId(long userId);

	/**
	 * Returns the ids of the users on a plan (here rather than in the user repository, whose
	 * calls the sample's tests count).
	 * @param plan the plan
	 * @return the user ids
	 */
	@Query("select user.id from User user where user.plan = :plan order by user.id")
	List<Long> findUserIdsByPlan(Plan plan);

}
