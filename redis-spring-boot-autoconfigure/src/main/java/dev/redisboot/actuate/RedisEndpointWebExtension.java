package dev.redisboot.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Web extension of the {@link RedisEndpoint}: clearing an unknown cache is 404, as with
 * Boot's {@code caches} endpoint, rather than the 204 a write operation without a result
 * would give.
 *
 * @author redisboot
 */
@EndpointWebExtension(endpoint = RedisEndpoint.class)
public class RedisEndpointWebExtension {

	private final RedisEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public RedisEndpointWebExtension(RedisEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Clears one cache.
	 * @param section must be {@code caches}
	 * @param name the cache's name
	 * @return 200 with what was cleared, or 404
	 */
	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> clearCache(@Selector String section, @Selector String name) {
		Map<String, Object> cleared = this.delegate.clearCache(section, name);
		return (cleared != null) ? new WebEndpointResponse<>(cleared)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
