package dev.redisboot.sample.auth;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks the API key of every {@code /api} request (see {@link ApiKeyInterceptor}).
 *
 * @author redisboot
 */
@Configuration(proxyBeanMethods = false)
class ApiKeyWebConfiguration implements WebMvcConfigurer {

	private final ApiKeyService apiKeys;

	ApiKeyWebConfiguration(ApiKeyService apiKeys) {
		this.apiKeys = apiKeys;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new ApiKeyInterceptor(this.apiKeys)).addPathPatterns("/api/**");
	}

}
