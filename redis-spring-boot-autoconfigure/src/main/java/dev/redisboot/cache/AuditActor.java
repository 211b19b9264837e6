package dev.redisboot.cache;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The name of the principal on whose behalf the current thread runs: Spring Security's
 * authenticated principal when Spring Security is present, else the servlet request's
 * user principal, else none. Each source's classes are loaded only when present.
 */
final class AuditActor {

	private static final ClassLoader classLoader = AuditActor.class.getClassLoader();

	private static final boolean SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.context.SecurityContextHolder", classLoader);

	private static final boolean SERVLET_PRESENT = ClassUtils
		.isPresent("org.springframework.web.context.request.ServletRequestAttributes", classLoader)
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", classLoader);

	private AuditActor() {
	}

	/**
	 * The current principal's name.
	 * @return the name, or {@code null} when nobody is authenticated
	 */
	static @Nullable String currentName() {
		String name = SECURITY_PRESENT ? SpringSecurity.name() : null;
		if (name == null && SERVLET_PRESENT) {
			name = Servlet.name();
		}
		return (name != null && !name.isBlank()) ? name : null;
	}

	private static final class SpringSecurity {

		static @Nullable String name() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null && authentication.isAuthenticated()
					&& !(authentication instanceof AnonymousAuthenticationToken)) ? authentication.getName() : null;
		}

	}

	private static final class Servlet {

		static @Nullable String name() {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (attributes instanceof ServletRequestAttributes servlet) {
				HttpServletRequest request = servlet.getRequest();
				Principal principal = request.getUserPrincipal();
				return (principal != null) ? principal.getName() : null;
			}
			return null;
		}

	}

}
