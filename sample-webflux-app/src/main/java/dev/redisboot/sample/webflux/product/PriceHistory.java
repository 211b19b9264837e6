package dev.redisboot.sample.webflux.product;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.redisboot.stream.RedisStreamListener;

import org.springframework.stereotype.Component;

/**
 * Each product's price history, built by the consumer group {@code price-history} from the
 * {@value PriceChange#STREAM} stream ({@code @RedisStreamListener}): each entry is read by one
 * instance of the group and acknowledged once this method returns. It runs on a stream consumer
 * thread of redisboot's, never on an event loop.
 *
 * @author redisboot
 */
@Component
public class PriceHistory {

	private final Map<Long, List<BigDecimal>> prices = new ConcurrentHashMap<>();

	@RedisStreamListener(stream = PriceChange.STREAM, group = "price-history")
	void onPriceChange(PriceChange change) {
		this.prices.computeIfAbsent(change.productId(), (id) -> new CopyOnWriteArrayList<>()).add(change.price());
	}

	/**
	 * The prices a product was given, oldest first.
	 * @param productId the product's id
	 * @return the prices
	 */
	public List<BigDecimal> of(long productId) {
		return List.copyOf(this.prices.getOrDefault(productId, List.of()));
	}

}
