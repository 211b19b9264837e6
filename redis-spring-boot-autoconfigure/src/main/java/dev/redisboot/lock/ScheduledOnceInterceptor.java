package dev.redisboot.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies {@link ScheduledOnce @ScheduledOnce}: takes the task's lock without waiting, runs
 * the method only when it got it, and releases it afterwards, keeping it for the rest of
 * {@code lockAtLeastFor}. Never throws for Redis: an unavailable Redis skips the run. Public
 * for the auto-configuration; not API.
 */
public final class ScheduledOnceInterceptor implements MethodInterceptor {

	private final Supplier<DistributedLocks> locks;

	private final Supplier<Duration> defaultLockAtMostFor;

	private final Map<Method, Task> tasks = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor.
	 * @param locks the locks, looked up on first use
	 * @param defaultLockAtMostFor the lease of tasks that do not give {@code lockAtMostFor},
	 * looked up on first use
	 */
	public ScheduledOnceInterceptor(Supplier<DistributedLocks> locks, Supplier<Duration> defaultLockAtMostFor) {
		this.locks = locks;
		this.defaultLockAtMostFor = defaultLockAtMostFor;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: invocation.getMethod().getDeclaringClass();
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		Task task = this.tasks.computeIfAbsent(method, (m) -> task(m, targetClass, this.defaultLockAtMostFor.get()));
		DistributedLocks locks = this.locks.get();
		long started = locks.clock().millis();
		Optional<LockLease> acquired = locks.tryAcquire(task.name(), task.lockAtMostFor());
		if (acquired.isEmpty()) {
			locks.metrics().scheduledRun(task.name(), "skipped");
			return null;
		}
		LockLease lease = acquired.get();
		boolean ran = false;
		try {
			Object result = invocation.proceed();
			ran = true;
			return result;
		}
		finally {
			locks.metrics().scheduledRun(task.name(), ran ? "ran" : "failed");
			long keep = task.lockAtLeastFor().toMillis() - (locks.clock().millis() - started);
			lease.release(Math.max(0, keep));
		}
	}

	/**
	 * Checks a method's {@code @ScheduledOnce} at startup, as its first run would.
	 * @param method the annotated method
	 * @param targetClass the bean's class
	 * @param defaultLockAtMostFor the lease when the annotation gives none
	 * @return the task's lock name
	 * @throws IllegalArgumentException when the annotation cannot be used, naming the method
	 */
	public static String verify(Method method, Class<?> targetClass, Duration defaultLockAtMostFor) {
		return task(method, targetClass, defaultLockAtMostFor).name();
	}

	/**
	 * Reads a method's annotation into a task, validating it.
	 * @param method the annotated method
	 * @param targetClass the bean's class
	 * @param defaultLockAtMostFor the lease when the annotation gives none
	 * @return the task
	 * @throws IllegalArgumentException when the annotation cannot be used, naming the method
	 */
	static Task task(Method method, Class<?> targetClass, Duration defaultLockAtMostFor) {
		ScheduledOnce annotation = AnnotatedElementUtils.findMergedAnnotation(method, ScheduledOnce.class);
		if (annotation == null) {
			throw new IllegalStateException(method + " is not annotated with @ScheduledOnce");
		}
		String where = "@ScheduledOnce on " + ClassUtils.getUserClass(targetClass).getSimpleName() + "."
				+ method.getName();
		String name = StringUtils.hasText(annotation.name()) ? annotation.name()
				: ClassUtils.getUserClass(targetClass).getSimpleName() + "." + method.getName();
		try {
			DistributedLocks.validateName(name);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
		}
		Duration atMost = StringUtils.hasText(annotation.lockAtMostFor())
				? duration(where, "lockAtMostFor", annotation.lockAtMostFor()) : defaultLockAtMostFor;
		Duration atLeast = duration(where, "lockAtLeastFor", annotation.lockAtLeastFor());
		if (atMost.toMillis() < 1 || atLeast.isNegative()) {
			throw new IllegalArgumentException(
					where + ": lockAtMostFor must be at least 1ms and lockAtLeastFor must not be negative");
		}
		if (atLeast.compareTo(atMost) > 0) {
			throw new IllegalArgumentException(where + ": lockAtLeastFor (" + atLeast
					+ ") is longer than lockAtMostFor (" + atMost + ")");
		}
		return new Task(name, atMost, atLeast);
	}

	private static Duration duration(String where, String attribute, String value) {
		try {
			return DurationStyle.detectAndParse(value.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(where + ": " + attribute + " '" + value
					+ "' is not a duration; use a value such as 30s, 10m or PT10M", ex);
		}
	}

	/**
	 * A task's lock.
	 *
	 * @param name the lock's name
	 * @param lockAtMostFor the lease of a run
	 * @param lockAtLeastFor the shortest time a run holds the lock
	 */
	record Task(String name, Duration lockAtMostFor, Duration lockAtLeastFor) {

	}

}
