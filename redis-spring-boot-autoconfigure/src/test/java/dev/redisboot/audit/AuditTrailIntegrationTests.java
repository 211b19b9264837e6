package dev.redisboot.audit;

import java.lang.annotation.Annotation;
import java.security.Principal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.audit.autoconfigure.RedisbootAuditAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.StandaloneRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The audit trail against real Redis: write operations recorded through the Actuator
 * advisor (who, what, target digests, client, result) in the stream, the log and the meter;
 * read operations left alone; and a hostile audit key (another type, garbage entries, an ACL
 * user without the key) that never fails the action and recovers without a restart.
 *
 * @author redisboot
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditTrailIntegrationTests {

	private static final OperationInvoker OK = (context) -> Map.of("done", true);

	private ApplicationContextRunner runner(StandaloneRedis redis, String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisbootAutoConfiguration.class, RedisbootAuditAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.key-prefix=" + prefix, "redisboot.key-digest-secret=");
	}

	@Test
	void writeOperationsAreRecordedWithDigestsAndReadOperationsAreNot(CapturedOutput output) {
		StandaloneRedis redis = RedisDeployments.sharedStandalone();
		String prefix = "audit-it-" + UUID.randomUUID();
		runner(redis, prefix).run((context) -> {
			OperationInvokerAdvisor advisor = context.getBean(OperationInvokerAdvisor.class);
			OperationInvoker revoke = advisor.apply(EndpointId.of("principals"), OperationType.DELETE,
					parameters("principal"), OK);
			revoke.invoke(new InvocationContext(securityContext("operator"), Map.of("principal", "alice@example.com")));
			OperationInvoker clear = advisor.apply(EndpointId.of("redis"), OperationType.DELETE,
					parameters("section", "name"),
					(ctx) -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
			clear.invoke(new InvocationContext(SecurityContext.NONE, Map.of("section", "caches", "name", "nothing")));
			OperationInvoker failing = advisor.apply(EndpointId.of("streams"), OperationType.WRITE,
					parameters("stream"), (ctx) -> {
						throw new IllegalStateException("boom");
					});
			assertThatIllegalStateException().isThrownBy(
					() -> failing.invoke(new InvocationContext(SecurityContext.NONE, Map.of("stream", "jobs"))));
			OperationInvoker read = advisor.apply(EndpointId.of("redis"), OperationType.READ, parameters(), OK);
			assertThat(read).isSameAs(OK);

			List<Map<String, String>> entries = context.getBean(AuditTrail.class).recent(10).entries();
			assertThat(entries).extracting((entry) -> entry.get("action"))
				.containsExactly("streams:write", "redis:delete", "principals:delete");
			assertThat(entries).extracting((entry) -> entry.get("result")).containsExactly("error", "not-found", "ok");
			assertThat(entries).extracting((entry) -> entry.get("actor"))
				.containsExactly("anonymous", "anonymous", "operator");
			assertThat(entries.get(1).get("target")).isEqualTo("section=caches name=nothing");
			// the display digest the console shows the user by on every tab
			assertThat(entries.get(2).get("target"))
				.isEqualTo("principal=" + context.getBean(KeyDigester.class).display("alice@example.com"));
			assertThat(entries.get(2).get("client")).isEqualTo("unknown");
			assertThat(redis.node().execute("TYPE", prefix + ":audit")).isEqualTo("stream");
			// a value that does not look like a name, in a parameter that is usually one, is digested too
			clear.invoke(new InvocationContext(SecurityContext.NONE,
					Map.of("section", "caches", "name", "jane@example.com\nAudit: forged")));
			assertThat(context.getBean(AuditTrail.class).recent(1).entries().get(0).get("target"))
				.startsWith("section=caches name=#")
				.doesNotContain("jane", "forged");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("redisboot.audit.events")
				.tag("action", "principals:delete")
				.tag("result", "ok")
				.counter()
				.count()).isEqualTo(1);
		});
		assertThat(output).contains("Audit: actor=operator action=principals:delete target=[principal=#")
			.doesNotContain("alice@example.com", "jane@example.com", "forged");
	}

	@Test
	void aHostileAuditKeyNeverFailsTheActionAndRecovers(CapturedOutput output) {
		StandaloneRedis redis = RedisDeployments.sharedStandalone();
		String prefix = "audit-it-" + UUID.randomUUID();
		String key = prefix + ":audit";
		runner(redis, prefix).run((context) -> {
			OperationInvoker clear = context.getBean(OperationInvokerAdvisor.class)
				.apply(EndpointId.of("redis"), OperationType.DELETE, parameters("section", "name"), OK);
			AuditTrail trail = context.getBean(AuditTrail.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			redis.node().execute("SET", key, "not a stream");
			for (int i = 0; i < 3; i++) {
				assertThat(clear.invoke(new InvocationContext(SecurityContext.NONE,
						Map.of("section", "caches", "name", "products")))).isEqualTo(Map.of("done", true));
			}
			assertThat(failures(registry, "write", "wrong-type")).isEqualTo(3);
			assertThat(trail.recent(10).unreadable()).isEqualTo("wrong-type");
			assertThat(registry.get("redisboot.audit.events").counter().count()).as("still counted").isEqualTo(3);
			// garbage entries: read back as far as they go
			redis.node().execute("DEL", key);
			redis.node().execute("XADD", key, "*", "junk", "\u0000\u00ff");
			clear.invoke(new InvocationContext(SecurityContext.NONE, Map.of("section", "caches", "name", "products")));
			AuditTrail.Recent recent = trail.recent(10);
			assertThat(recent.unreadable()).isNull();
			assertThat(recent.entries()).hasSize(2);
			assertThat(recent.entries().get(0).get("result")).isEqualTo("ok");
			assertThat(recent.entries().get(1).get("action")).isEqualTo("?");
		});
		assertThat(output.toString().split("Could not write the audit trail in Redis \\(wrong-type\\)", -1))
			.as("logged once at WARN").hasSize(2);
	}

	@Test
	void aUserWithoutTheAuditKeyKeepsActingAndIsRecordedOnceGranted() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~other:* &* +@all -@dangerous")) {
			runner(redis, "audit-acl").run((context) -> {
				OperationInvoker clear = context.getBean(OperationInvokerAdvisor.class)
					.apply(EndpointId.of("redis"), OperationType.DELETE, parameters("section", "name"), OK);
				AuditTrail trail = context.getBean(AuditTrail.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				InvocationContext invocation = new InvocationContext(SecurityContext.NONE,
						Map.of("section", "caches", "name", "products"));
				assertThat(clear.invoke(invocation)).isEqualTo(Map.of("done", true));
				assertThat(failures(registry, "write", "no-permission")).isEqualTo(1);
				assertThat(trail.recent(5).unreadable()).isEqualTo("no-permission");
				redis.node().execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "~audit-acl:*");
				clear.invoke(invocation);
				assertThat(trail.recent(5).entries()).hasSize(1);
			});
		}
	}

	@Test
	void aWrongSettingFailsStartupNamingTheProperty() {
		runner(RedisDeployments.sharedStandalone(), "audit-it").withPropertyValues("redisboot.audit.max-length=0")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("redisboot.audit.max-length"));
	}

	@Test
	void disabledLeavesOperationsAlone() {
		runner(RedisDeployments.sharedStandalone(), "audit-it").withPropertyValues("redisboot.audit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(OperationInvokerAdvisor.class)
				.doesNotHaveBean(AuditTrail.class));
	}

	private static double failures(MeterRegistry registry, String operation, String cause) {
		return registry.get("redisboot.audit.failures").tag("operation", operation).tag("cause", cause).counter().count();
	}

	private static SecurityContext securityContext(String name) {
		Principal principal = () -> name;
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return principal;
			}

			@Override
			public boolean isUserInRole(String role) {
				return false;
			}

		};
	}

	private static OperationParameters parameters(String... names) {
		List<OperationParameter> list = Stream.of(names).map(AuditTrailIntegrationTests::parameter).toList();
		return new OperationParameters() {

			@Override
			public int getParameterCount() {
				return list.size();
			}

			@Override
			public OperationParameter get(int index) {
				return list.get(index);
			}

			@Override
			public Stream<OperationParameter> stream() {
				return list.stream();
			}

			@Override
			public Iterator<OperationParameter> iterator() {
				return list.iterator();
			}

		};
	}

	private static OperationParameter parameter(String name) {
		return new OperationParameter() {

			@Override
			public String getName() {
				return name;
			}

			@Override
			public Class<?> getType() {
				return String.class;
			}

			@Override
			public boolean isMandatory() {
				return true;
			}

			@Override
			public <T extends Annotation> @Nullable T getAnnotation(Class<T> annotation) {
				return null;
			}

		};
	}

}
