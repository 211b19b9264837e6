package dev.redisboot.session.autoconfigure;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.web.server.session.CookieWebSessionIdResolver;

/**
 * Makes WebFlux's session cookie {@code Secure} unless
 * {@code server.reactive.session.cookie.secure} says otherwise, as redisboot does for the
 * servlet stack's: whether the request reached the application over https is, behind a
 * TLS-terminating proxy, usually false. Runs after the initializer Boot adds from
 * {@code server.reactive.session.cookie.*}, which sets only what is configured.
 *
 * @author redisboot
 */
final class SecureSessionCookie implements BeanPostProcessor {

	static final String SECURE_PROPERTY = "server.reactive.session.cookie.secure";

	private final Environment environment;

	SecureSessionCookie(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof CookieWebSessionIdResolver resolver && !this.environment.containsProperty(SECURE_PROPERTY)) {
			resolver.addCookieInitializer((cookie) -> cookie.secure(true));
		}
		return bean;
	}

}
