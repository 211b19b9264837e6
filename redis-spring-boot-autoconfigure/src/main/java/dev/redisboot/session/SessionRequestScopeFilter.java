package dev.redisboot.session;

import java.io.IOException;

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

	private final RedisbootSessionRepository repository;

	private final SessionStoreUnavailable unavailable;

	/**
	 * Creates a filter.
	 * @param repository the repository
	 * @param unavailableRetrySeconds the {@code Retry-After} of a 503 while the session store
	 * is unavailable
	 */
	public SessionRequestScopeFilter(RedisbootSessionRepository repository, long unavailableRetrySeconds) {
		this.repository = repository;
		this.unavailable = new SessionStoreUnavailable(unavailableRetrySeconds);
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
		if (response.isCommitted() || !(response instanceof HttpServletResponse http)
				|| !this.unavailable.isUnavailable(ex)) {
			return false;
		}
		http.reset();
		http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		http.setHeader("Retry-After", this.unavailable.retryAfter());
		http.setContentType(SessionStoreUnavailable.CONTENT_TYPE);
		http.setContentLength(SessionStoreUnavailable.BODY.length);
		http.getOutputStream().write(SessionStoreUnavailable.BODY);
		return true;
	}

}
