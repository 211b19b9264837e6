package dev.redisboot.audit;

import java.security.Principal;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import dev.redisboot.core.KeyDigester;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Records every write and delete operation of every Actuator endpoint (redisboot's
 * {@code redis}, {@code streams}, {@code principals}, Boot's {@code caches} or
 * {@code loggers}, an application's own) in the {@link AuditTrail}, once it ran, with its
 * result. Operations that access control refuses (read-only access, Spring Security) never
 * run, so they are not recorded here.
 * <p>
 * The target is the operation's arguments: the values of parameters that name something the
 * application configured ({@code section}, {@code name}, {@code cache}, {@code cacheManager},
 * {@code stream}, {@code group}, {@code limit}, {@code id}, {@code jobId}, {@code action}, {@code configuredLevel}) are
 * shown as they are when they look like a name (letters, digits, {@code . _ : - { }}, at most
 * 100), every other value (a principal's name, an e-mail address typed as a cache name, a value
 * with a line break) as its keyed digest.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class AuditingOperationInvokerAdvisor implements OperationInvokerAdvisor {

	private static final String PRINCIPAL_PARAMETER = "principal";

	private static final Set<String> CLEAR_PARAMETERS = Set.of("section", "name", "cache", "cacheManager", "stream",
			"group", "limit", "id", "jobId", "action", "configuredLevel");

	/**
	 * What a value shown as it is may look like: a name, never a line break, a space or an
	 * e-mail address typed where a cache name belongs.
	 */
	private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9._:{}\\-]{1,100}");

	private final AuditTrail trail;

	private final KeyDigester digester;

	private final Clock clock;

	/**
	 * Creates the advisor.
	 * @param trail where actions are recorded
	 * @param digester digests the arguments that are not shown as they are
	 * @param clock the clock
	 */
	public AuditingOperationInvokerAdvisor(AuditTrail trail, KeyDigester digester, Clock clock) {
		this.trail = trail;
		this.digester = digester;
		this.clock = clock;
	}

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (operationType == OperationType.READ) {
			return invoker;
		}
		String action = endpointId.toLowerCaseString() + ":" + operationType.name().toLowerCase(Locale.ROOT);
		return (context) -> {
			Object result;
			try {
				result = invoker.invoke(context);
			}
			catch (RuntimeException ex) {
				record(action, parameters, context, "error");
				throw ex;
			}
			record(action, parameters, context, resultOf(result));
			return result;
		};
	}

	private void record(String action, OperationParameters parameters, InvocationContext context, String result) {
		try {
			this.trail.record(new AuditEvent(this.clock.instant(), actor(context.canResolve(SecurityContext.class) ? context.resolveArgument(SecurityContext.class) : null), action,
					target(parameters, context.getArguments()), client(), result));
		}
		catch (RuntimeException ex) {
			// the trail handles Redis failures itself; nothing else may fail the action either
		}
	}

	private static String resultOf(@Nullable Object result) {
		if (result instanceof WebEndpointResponse<?> response) {
			int status = response.getStatus();
			if (status == WebEndpointResponse.STATUS_NOT_FOUND) {
				return "not-found";
			}
			return (status < 400) ? "ok" : "failed";
		}
		return "ok";
	}

	private static String actor(@Nullable SecurityContext securityContext) {
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		return (principal != null && principal.getName() != null && !principal.getName().isBlank())
				? principal.getName().replaceAll("\\p{Cntrl}", "?") : AuditEvent.ANONYMOUS;
	}

	private String target(OperationParameters parameters, Map<String, Object> arguments) {
		StringJoiner target = new StringJoiner(" ");
		for (OperationParameter parameter : parameters) {
			Object value = arguments.get(parameter.getName());
			if (value == null || value instanceof SecurityContext) {
				continue;
			}
			String text = String.valueOf(value);
			boolean clear = CLEAR_PARAMETERS.contains(parameter.getName()) && PLAIN_VALUE.matcher(text).matches();
			target.add(parameter.getName() + "=" + (clear ? text : shown(parameter.getName(), text)));
		}
		return target.toString();
	}

	/**
	 * A value not shown in clear: a user (the {@code principals} endpoint's {@code principal})
	 * as the display digest every tab shows users by, anything else as its keyed digest.
	 */
	private String shown(String parameter, String value) {
		return PRINCIPAL_PARAMETER.equals(parameter) ? this.digester.display(value)
				: "#" + this.digester.digest("audit", value);
	}

	private static String client() {
		String address = RequestClient.address();
		return (address != null) ? address : "unknown";
	}

}
