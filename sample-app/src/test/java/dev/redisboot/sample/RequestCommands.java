package dev.redisboot.sample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Counts the Redis commands each HTTP request sends, and says on whose behalf: a Lettuce
 * {@link CommandListener} installed on the application's client before it connects, and a
 * servlet filter outside all others that marks the request's thread. Lettuce tells the
 * listener of a command on the thread that sends it, so a command counts for a request if
 * that request's thread sent it; commands of background work (stream consumers, INFO
 * polling, the session clean-up) run on other threads and are not counted.
 * <p>
 * Each command is attributed by the stack that sent it: the innermost redisboot feature
 * package on it ({@code session}, {@code ratelimit}, ...; {@code dev.redisboot.core}, the JDK,
 * Lettuce and Spring Data Redis are plumbing and skipped), or {@code sample} when the
 * sample's own code called that feature's API directly (say {@code UserSessions} calling {@code PrincipalSessions}). A
 * session loaded because the sample asked the servlet request for its session counts for the
 * session layer: Spring Session's request wrapper calls the repository, not the sample.
 *
 * @author redisboot
 */
@TestConfiguration(proxyBeanMethods = false)
class RequestCommands {

	private static final ThreadLocal<@Nullable Request> current = new ThreadLocal<>();

	private final ConcurrentLinkedQueue<Request> completed = new ConcurrentLinkedQueue<>();

	@Bean
	static BeanPostProcessor requestCommandListener() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof LettuceConnectionFactory factory) {
					AbstractRedisClient client = factory.getNativeClient();
					if (client == null) {
						throw new IllegalStateException("The LettuceConnectionFactory has no client yet");
					}
					client.addListener(new Listener());
				}
				return bean;
			}

		};
	}

	@Bean
	FilterRegistrationBean<Filter> requestCommandsFilter() {
		FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(this::doFilter);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	private void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest http = (HttpServletRequest) request;
		Request counted = new Request(http.getMethod() + " " + http.getRequestURI());
		current.set(counted);
		try {
			chain.doFilter(request, response);
		}
		finally {
			current.remove();
			this.completed.add(counted);
		}
	}

	/**
	 * Forgets the requests counted so far.
	 */
	void clear() {
		this.completed.clear();
	}

	/**
	 * The requests the server has finished since the last {@link #clear()}, each with the
	 * commands it sent.
	 * @return the requests, in the order they finished
	 */
	List<Request> completed() {
		return new ArrayList<>(this.completed);
	}

	/**
	 * One request's commands.
	 */
	static final class Request {

		private final String name;

		private final Map<String, Map<String, Integer>> commands = new TreeMap<>();

		Request(String name) {
			this.name = name;
		}

		synchronized void add(String owner, String command) {
			this.commands.computeIfAbsent(owner, (key) -> new TreeMap<>()).merge(command, 1, Integer::sum);
		}

		String name() {
			return this.name;
		}

		/**
		 * The commands by owner ({@code session}, {@code ratelimit}, {@code sample}, ...),
		 * then by command name in lower case, with how often each was sent.
		 * @return the counts
		 */
		synchronized Map<String, Map<String, Integer>> commands() {
			Map<String, Map<String, Integer>> copy = new TreeMap<>();
			this.commands.forEach((owner, counts) -> copy.put(owner, new TreeMap<>(counts)));
			return copy;
		}

		/**
		 * The commands of one owner.
		 * @param owner the owner
		 * @return the counts by command, empty if none
		 */
		synchronized Map<String, Integer> of(String owner) {
			return new TreeMap<>(this.commands.getOrDefault(owner, Map.of()));
		}

		synchronized int total() {
			return this.commands.values().stream().flatMap((counts) -> counts.values().stream()).mapToInt(Integer::intValue).sum();
		}

		@Override
		public String toString() {
			return this.name + " " + commands();
		}

	}

	private static final class Listener implements CommandListener {

		@Override
		public void commandStarted(CommandStartedEvent event) {
			Request request = current.get();
			if (request != null) {
				request.add(owner(), event.getCommand().getType().toString().toLowerCase(Locale.ROOT));
			}
		}

		private static String owner() {
			return StackWalker.getInstance().walk((frames) -> {
				String feature = null;
				for (StackWalker.StackFrame frame : (Iterable<StackWalker.StackFrame>) frames::iterator) {
					String type = frame.getClassName();
					if (feature == null) {
						if (type.startsWith("dev.redisboot.") && !type.startsWith("dev.redisboot.core.")
								&& !type.startsWith(RequestCommands.class.getName())) {
							feature = packageOf(type);
						}
					}
					else if (!type.startsWith(feature + ".") && !isPlumbing(type)) {
						String owner = type.startsWith("dev.redisboot.sample.") ? "sample" : feature;
						return Optional.of(owner.substring(owner.lastIndexOf('.') + 1));
					}
				}
				return Optional.<String>empty();
			}).orElse("other");
		}

		/**
		 * Frames between a feature's code and its caller that decide nothing: the JDK
		 * (streams, lambdas), redisboot's shared command execution, Lettuce and Spring Data
		 * Redis.
		 */
		private static boolean isPlumbing(String type) {
			return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")
					|| type.startsWith("dev.redisboot.core.") || type.startsWith("io.lettuce.")
					|| type.startsWith("org.springframework.data.redis.");
		}

		private static String packageOf(String type) {
			// dev.redisboot.<feature>
			int end = type.indexOf('.', "dev.redisboot.".length());
			return (end < 0) ? type : type.substring(0, end);
		}

	}

}
