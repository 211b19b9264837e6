package dev.redisboot.sample.product;

import java.util.List;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring Data repository for {@link Product products}.
 *
 * @author redisboot
 */
public interface ProductRepository extends JpaRepository<Product, Long> {

	/**
	 * The ids of the products, lowest first.
	 * @param limit how many at most
	 * @return the ids
	 */
	@Query("select p.id from Product p order by p.id")
	List<Long> findIds(Limit limit);

	/**
	 * Raises a product's view count to a value, never lowers it: the write-behind writer of
	 * {@link ProductViewCounter}, idempotent and safe when values arrive out of order.
	 * @param id the product's id
	 * @param views the count
	 * @return the rows changed
	 */
	@Modifying
	@Transactional
	@Query("update Product p set p.views = :views where p.id = :id and p.views < :views")
	int raiseViews(@Param("id") long id, @Param("views") long views);

}
