package dev.redisboot.cache;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds a {@code Server-Timing} header with the request's cache accesses
 * ({@link CacheServerTiming}) to each response that had any. The header is set when the
 * response starts to be written (its body is asked for, it is flushed, or an error or
 * redirect is sent), or after the request when nothing was written: accesses made after the
 * body started are not listed. Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class CacheServerTimingFilter extends OncePerRequestFilter {

	private final CacheServerTiming timing;

	/**
	 * Creates the filter.
	 * @param timing the listener that collects the accesses
	 */
	public CacheServerTimingFilter(CacheServerTiming timing) {
		this.timing = timing;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		CacheServerTiming.Request accesses = this.timing.begin();
		TimingResponse timed = new TimingResponse(response, accesses);
		try {
			chain.doFilter(request, timed);
		}
		finally {
			timed.addHeader();
			accesses.end();
		}
	}

	/**
	 * Sets the header once, just before the response is committed.
	 */
	private static final class TimingResponse extends HttpServletResponseWrapper {

		private final CacheServerTiming.Request accesses;

		private boolean added;

		TimingResponse(HttpServletResponse response, CacheServerTiming.Request accesses) {
			super(response);
			this.accesses = accesses;
		}

		void addHeader() {
			if (this.added) {
				return;
			}
			this.added = true;
			String value = this.accesses.headerValue();
			if (value != null && !isCommitted()) {
				addHeader(CacheServerTiming.HEADER, value);
			}
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			addHeader();
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			addHeader();
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			addHeader();
			super.flushBuffer();
		}

		@Override
		public void sendError(int sc) throws IOException {
			addHeader();
			super.sendError(sc);
		}

		@Override
		public void sendError(int sc, String msg) throws IOException {
			addHeader();
			super.sendError(sc, msg);
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			addHeader();
			super.sendRedirect(location);
		}

		@Override
		public void sendRedirect(String location, int sc) throws IOException {
			addHeader();
			super.sendRedirect(location, sc);
		}

		@Override
		public void sendRedirect(String location, boolean clearBuffer) throws IOException {
			addHeader();
			super.sendRedirect(location, clearBuffer);
		}

		@Override
		public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
			addHeader();
			super.sendRedirect(location, sc, clearBuffer);
		}

	}

}
