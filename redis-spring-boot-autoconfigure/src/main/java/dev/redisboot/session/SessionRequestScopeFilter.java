package dev.redisboot.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.core.redis.RedisFailureCause;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Opens {@link RedisbootSessionRepository#inRequestScope a request scope} around Spring
 * Session's filter, so that a request reads its session from Redis once, not up to three
 * times.
 * <p>
 * A request that fails because the session store is unavailable (Redis does not answer,
 * or the sessions' circuit breaker is open) is answered with {@code 503 Service Unavailable}
 * and a {@code Retry-After} of the breaker's open duration, unless its response was sent
 * already: the failure is temporary and not the application's, and answering here spares
 * the servlet container's error dispatch another wait for the session.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class SessionRequestScopeFilter implements Filter {

	private static final byte[] UNAVAILABLE_BODY = ("{\"title\":\"Service Unavailable\",\"status\":503,"
			+ "\"detail\":\"The session store is unavailable\"}").getBytes(StandardCharsets.UTF_8);

	private final WarnOnce warnOnce = new WarnOnce(SessionReporter.logger);

	private final RedisbootSessionRepository repository;

	private final long unavailableRetrySeconds;

	/**
	 * Creates a filter.
	 * @param repository the repository
	 * @param unavailableRetrySeconds the {@code Retry-After} of a 503 while the session store
	 * is unavailable
	 */
	public SessionRequestScopeFilter(RedisbootSessionRepository repository, long unavailableRetrySeconds) {
		this.repository = repository;
		this.unavailableRetrySeconds = unavailableRetrySeconds;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			this.repository.inRequestScope(() -> chain.doFilter(request, response));
		}
		catch (IOException | ServletException | RuntimeException ex) {
			if (!unavailable(ex, response)) {
				throw ex;
			}
		}
		catch (Exception ex) {
			throw new ServletException(ex);
		}
	}

	private boolean unavailable(Exception ex, ServletResponse response) throws IOException {
		RedisCommandException redis = RedisCircuitBreaker.redisFailure(ex);
		if (redis == null || !redis.isRedisUnavailable() || response.isCommitted()
				|| !(response instanceof HttpServletResponse http)) {
			return false;
		}
		this.warnOnce.warn("unavailable", "The session store is unavailable (" + RedisFailureCause.of(redis).message()
				+ "): requests that need their session are answered 503 until it is back; counted in "
				+ "redisboot.sessions.unavailable (logged once)", null);
		http.reset();
		http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		http.setHeader("Retry-After", Long.toString(this.unavailableRetrySeconds));
		http.setContentType("application/problem+json");
		http.setContentLength(UNAVAILABLE_BODY.length);
		http.getOutputStream().write(UNAVAILABLE_BODY);
		return true;
	}

}
