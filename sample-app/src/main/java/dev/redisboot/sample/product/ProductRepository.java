package dev.redisboot.sample.product;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data repository for {@link Product products}.
 *
 * @author redisboot
 */
public interface ProductRepository extends JpaRepository<Product, Long> {

}
