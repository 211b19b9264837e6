package dev.redisboot.sample.product;

import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads products for the web layer. The place where caching will go, so that controllers
 * stay unaware of it.
 *
 * @author redisboot
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	public ProductService(ProductRepository repository) {
		this.repository = repository;
	}

	/**
	 * Finds a product by id.
	 * @param id the id
	 * @return the product, or empty when there is none with that id
	 */
	@Transactional(readOnly = true)
	public Optional<ProductView> findById(long id) {
		return this.repository.findById(id).map(ProductView::from);
	}

}
