package dev.redisboot.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The address of the client of the servlet request on the current thread, as the servlet
 * container reports it (the forwarded one behind a trusted proxy when
 * {@code server.forward-headers-strategy} is set). The servlet classes are loaded only when
 * present.
 */
final class RequestClient {

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.context.request.ServletRequestAttributes", RequestClient.class.getClassLoader())
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", RequestClient.class.getClassLoader());

	private RequestClient() {
	}

	/**
	 * The client's address.
	 * @return the address, or {@code null} outside a servlet request
	 */
	static @Nullable String address() {
		return SERVLET_PRESENT ? Servlet.address() : null;
	}

	private static final class Servlet {

		static @Nullable String address() {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (attributes instanceof ServletRequestAttributes servlet) {
				HttpServletRequest request = servlet.getRequest();
				return request.getRemoteAddr();
			}
			return null;
		}

	}

}
