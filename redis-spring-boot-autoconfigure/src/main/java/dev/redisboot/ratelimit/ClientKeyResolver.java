package dev.redisboot.ratelimit;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.StringUtils;

/**
 * Tells which client a request comes from, for a rule's buckets: one bucket per client
 * key. Returns {@code null} when the request has no such key (no user signed in, no API
 * key header), which the rule then handles as configured, never with a shared bucket.
 * <p>
 * A client key is an identity (an IP address, a user name, an API key, an e-mail address):
 * the {@link RateLimiter} never writes it to Redis, logs or metrics, only its keyed digest
 * ({@link dev.redisboot.core.KeyDigester}, domain {@code ratelimit}, keyed with
 * {@code redisboot.key-digest-secret}) stands in the bucket's key. Keys of different kinds
 * start with the kind ({@code ip=}, {@code u=}, {@code h=}, {@code e=}), so that equal
 * values of different kinds never share a bucket.
 * <p>
 * A resolver reads a {@link RateLimitRequest}, the same on the servlet stack and on WebFlux,
 * so one resolver serves both. On WebFlux it runs on an event-loop thread: it must not block.
 */
@FunctionalInterface
public interface ClientKeyResolver {

	/**
	 * The client key of a request.
	 * @param request the request
	 * @return the key, or {@code null} when the request has none
	 */
	@Nullable String resolve(RateLimitRequest request);

	/**
	 * The client's IP address as the server reports it ({@code getRemoteAddr()} of a servlet
	 * request, {@code getRemoteAddress()} of a WebFlux one): the peer's address, or the
	 * client's address from {@code X-Forwarded-For} only when the server trusts the peer as
	 * a proxy ({@code server.forward-headers-strategy}). Never read from the header by
	 * redisboot, so a client cannot choose its bucket.
	 * @return the resolver
	 */
	static ClientKeyResolver ip() {
		return (request) -> {
			String address = request.remoteAddress();
			return StringUtils.hasText(address) ? "ip=" + address : null;
		};
	}

	/**
	 * The authenticated user's name (the servlet request's user principal, the WebFlux
	 * exchange's principal).
	 * @return the resolver
	 */
	static ClientKeyResolver user() {
		return (request) -> {
			String user = request.user();
			return StringUtils.hasText(user) ? "u=" + user : null;
		};
	}

	/**
	 * A request header, such as an API key.
	 * @param name the header name
	 * @return the resolver
	 */
	static ClientKeyResolver header(String name) {
		return (request) -> {
			String value = request.header(name);
			return StringUtils.hasText(value) ? "h=" + value : null;
		};
	}

	/**
	 * A SpEL expression over the request, parsed once at startup and evaluated with a
	 * restricted context (properties and methods of the root object only: no types, beans or
	 * constructors). The root object has {@code request} (the web stack's own request, as
	 * {@link RateLimitRequest#nativeRequest()}), {@code ip}, {@code user} and
	 * {@code header('Name')}. A null or empty result means no key.
	 * @param expression the parsed expression
	 * @return the resolver
	 */
	static ClientKeyResolver expression(Expression expression) {
		return (request) -> {
			EvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding()
				.withInstanceMethods()
				.withRootObject(new ExpressionRoot(request))
				.build();
			Object value = expression.getValue(context);
			String text = (value != null) ? value.toString() : null;
			return StringUtils.hasText(text) ? "e=" + text : null;
		};
	}

	/**
	 * The root object of key expressions.
	 */
	final class ExpressionRoot {

		private final RateLimitRequest request;

		ExpressionRoot(RateLimitRequest request) {
			this.request = request;
		}

		/**
		 * The web stack's request: a servlet request, or a WebFlux {@code ServerHttpRequest}.
		 * @return the request
		 */
		public Object request() {
			return this.request.nativeRequest();
		}

		/**
		 * The client IP, as for the {@code ip} key.
		 * @return the address, or {@code null}
		 */
		public @Nullable String ip() {
			return this.request.remoteAddress();
		}

		/**
		 * The authenticated user's name.
		 * @return the name, or {@code null}
		 */
		public @Nullable String user() {
			return this.request.user();
		}

		/**
		 * A request header.
		 * @param name the header name
		 * @return its value, or {@code null}
		 */
		public @Nullable String header(String name) {
			return this.request.header(name);
		}

	}

}
