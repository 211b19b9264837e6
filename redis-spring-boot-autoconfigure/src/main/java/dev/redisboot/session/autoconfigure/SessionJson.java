package dev.redisboot.session.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.json.TypeAllowlist;
import dev.redisboot.core.json.TypedJsonSerializer;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.security.jackson.SecurityJacksonModule;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.util.ClassUtils;

/**
 * The JSON of session attributes: the application's packages and the configured ones, plus
 * Spring Security's types (its Jackson modules and their own allowlist) when it is present.
 */
final class SessionJson {

	private static final String PROPERTY = "redisboot.session.allowed-packages";

	private SessionJson() {
	}

	static TypedJsonSerializer create(List<String> applicationPackages, List<String> allowedPackages,
			ClassLoader classLoader) {
		List<String> packages = new ArrayList<>(applicationPackages);
		packages.addAll(allowedPackages);
		TypeAllowlist allowlist;
		try {
			allowlist = TypeAllowlist.of(packages);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException(PROPERTY, allowedPackages, ex.getMessage(),
					"List package names such as com.example.shop; each allows its sub-packages.");
		}
		if (ClassUtils.isPresent("org.springframework.security.jackson.SecurityJacksonModules", classLoader)) {
			return SpringSecurity.create(allowlist, classLoader);
		}
		return new TypedJsonSerializer(allowlist);
	}

	/**
	 * Kept apart so that Spring Security's classes are loaded only when present.
	 */
	private static final class SpringSecurity {

		static TypedJsonSerializer create(TypeAllowlist allowlist, ClassLoader classLoader) {
			BasicPolymorphicTypeValidator.Builder securityTypes = BasicPolymorphicTypeValidator.builder();
			// The modules add their types to the builder. The extra module that switches on default typing for
			// every non-final type is left out: redisboot's typing and allowlist stay in charge.
			List<JacksonModule> modules = SecurityJacksonModules.getModules(classLoader, securityTypes)
				.stream()
				.filter(SecurityJacksonModule.class::isInstance)
				.toList();
			return new TypedJsonSerializer(allowlist, modules, securityTypes.build());
		}

	}

}
