package dev.redisboot.lock.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.redisboot.core.autoconfigure.ApplicationBeanMethods;
import dev.redisboot.lock.LockMetrics;
import dev.redisboot.lock.ScheduledOnce;
import dev.redisboot.lock.ScheduledOnceInterceptor;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Fails startup when a {@link ScheduledOnce @ScheduledOnce} method cannot work, rather than
 * at its first fire time: a duration that does not parse, {@code lockAtLeastFor} longer than
 * {@code lockAtMostFor}, a method that cannot be proxied (so it would run on every instance),
 * or two methods with the same lock name (which would exclude each other). Then shows each
 * task's meters at 0.
 */
final class ScheduledOnceVerifier implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final Duration defaultLease;

	private final LockMetrics metrics;

	private volatile boolean tasksDeclared;

	ScheduledOnceVerifier(ConfigurableListableBeanFactory beanFactory, Duration defaultLease, LockMetrics metrics) {
		this.beanFactory = beanFactory;
		this.defaultLease = defaultLease;
		this.metrics = metrics;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> problems = new ArrayList<>();
		Map<String, Set<String>> byName = new TreeMap<>();
		ApplicationBeanMethods.forEach(this.beanFactory, (type, method) -> {
			if (!AnnotatedElementUtils.hasAnnotation(method, ScheduledOnce.class)) {
				return;
			}
			String where = type.getSimpleName() + "." + method.getName();
			if (!proxyable(type, method)) {
				problems.add("@ScheduledOnce on " + where + " cannot apply: the method or its class is final, "
						+ "private or static, so it would run on every instance");
				return;
			}
			try {
				byName.computeIfAbsent(ScheduledOnceInterceptor.verify(method, type, this.defaultLease),
						(name) -> new TreeSet<>())
					.add(where);
			}
			catch (IllegalArgumentException ex) {
				problems.add(ex.getMessage());
			}
		});
		byName.forEach((name, methods) -> {
			if (methods.size() > 1) {
				problems.add("@ScheduledOnce methods " + String.join(", ", methods) + " share the lock name '" + name
						+ "' and would exclude each other; give each a name");
			}
		});
		if (!problems.isEmpty()) {
			throw new IllegalStateException(String.join("; ", problems));
		}
		byName.keySet().forEach(this.metrics::taskDeclared);
		this.tasksDeclared = !byName.isEmpty();
	}

	/**
	 * Whether the application declares {@code @ScheduledOnce} methods, known once the
	 * singletons are instantiated.
	 * @return whether it does
	 */
	boolean tasksDeclared() {
		return this.tasksDeclared;
	}

	private static boolean proxyable(Class<?> type, Method method) {
		int modifiers = method.getModifiers();
		return !Modifier.isFinal(type.getModifiers()) && !Modifier.isFinal(modifiers) && !Modifier.isPrivate(modifiers)
				&& !Modifier.isStatic(modifiers);
	}

}
