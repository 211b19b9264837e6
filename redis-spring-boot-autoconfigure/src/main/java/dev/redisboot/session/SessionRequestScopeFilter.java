package dev.redisboot.session;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Opens {@link RedisbootSessionRepository#inRequestScope a request scope} around Spring
 * Session's filter, so that a request reads its session from Redis once, not up to three
 * times.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class SessionRequestScopeFilter implements Filter {

	private final RedisbootSessionRepository repository;

	/**
	 * Creates a filter.
	 * @param repository the repository
	 */
	public SessionRequestScopeFilter(RedisbootSessionRepository repository) {
		this.repository = repository;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			this.repository.inRequestScope(() -> chain.doFilter(request, response));
		}
		catch (IOException | ServletException | RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ServletException(ex);
		}
	}

}
