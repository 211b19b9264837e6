package dev.redisboot.stream;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link RedisStreamListener} and {@link JobHandler} methods on the application's
 * singleton beans once they all exist, and registers their subscriptions with the
 * {@link StreamListenerContainer}, which starts them afterwards.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class StreamListenerRegistrar implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final StreamListenerContainer container;

	private final JsonPayloads payloads;

	private final JobSettings jobs;

	/**
	 * Creates a registrar.
	 * @param beanFactory the bean factory
	 * @param container the container
	 * @param payloads payload conversion
	 * @param jobs where jobs live and how they are consumed
	 */
	public StreamListenerRegistrar(ConfigurableListableBeanFactory beanFactory, StreamListenerContainer container,
			JsonPayloads payloads, JobSettings jobs) {
		this.beanFactory = beanFactory;
		this.container = container;
		this.payloads = payloads;
		this.jobs = jobs;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, StreamHandler> jobHandlers = new LinkedHashMap<>();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
			if (definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE || !this.beanFactory.isSingleton(beanName)
					|| definition.isAbstract()) {
				continue;
			}
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type == null || type.getName().startsWith("org.springframework.")) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			Map<Method, RedisStreamListener> listeners = MethodIntrospector.selectMethods(userType,
					(MethodIntrospector.MetadataLookup<RedisStreamListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, RedisStreamListener.class));
			Map<Method, JobHandler> handlers = MethodIntrospector.selectMethods(userType,
					(MethodIntrospector.MetadataLookup<JobHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, JobHandler.class));
			if (listeners.isEmpty() && handlers.isEmpty()) {
				continue;
			}
			Object bean = this.beanFactory.getBean(beanName);
			listeners.forEach((method, listener) -> register(bean, method, listener));
			handlers.forEach((method, handler) -> {
				String jobType = handler.value();
				if (!StringUtils.hasText(jobType)) {
					throw invalid(method, "@JobHandler needs a job type");
				}
				StreamHandler previous = jobHandlers.put(jobType, new MethodStreamHandler(bean, method, this.payloads));
				if (previous != null) {
					throw invalid(method, "handles job type '" + jobType + "', which " + previous + " handles already");
				}
			});
		}
		if (!jobHandlers.isEmpty()) {
			// the instances that run jobs also move delayed jobs into the stream when they are due
			JobDispatcher dispatcher = new JobDispatcher(jobHandlers, this.jobs);
			this.container.register(new StreamSubscription("jobs", this.jobs.stream(), this.jobs.group(),
					this.jobs.concurrency(), this.jobs.settings(), dispatcher));
			// a lane of its own, with consumers of its own, for each priority some job type has
			if (this.jobs.priorities().containsValue(JobPriority.HIGH)) {
				this.container.register(new StreamSubscription("jobs-high", JobPriority.HIGH.lane(this.jobs.stream()),
						this.jobs.group(), this.jobs.highPriorityConcurrency(), this.jobs.settings(), dispatcher));
			}
			if (this.jobs.priorities().containsValue(JobPriority.LOW)) {
				this.container.register(new StreamSubscription("jobs-low", JobPriority.LOW.lane(this.jobs.stream()),
						this.jobs.group(), this.jobs.lowPriorityConcurrency(), this.jobs.settings(), dispatcher));
			}
		}
	}

	private void register(Object bean, Method method, RedisStreamListener listener) {
		String stream = this.beanFactory.resolveEmbeddedValue(listener.stream());
		String group = this.beanFactory.resolveEmbeddedValue(listener.group());
		if (!StringUtils.hasText(stream) || !StringUtils.hasText(group)) {
			throw invalid(method, "@RedisStreamListener needs a stream and a group");
		}
		if (stream.contains("{") || stream.contains("}")) {
			throw invalid(method, "stream '" + stream + "' contains a curly brace, which Redis Cluster hash tags reserve");
		}
		if (listener.concurrency() < 1) {
			throw invalid(method, "concurrency must be at least 1, was " + listener.concurrency());
		}
		if (listener.maxAttempts() < 0) {
			throw invalid(method, "maxAttempts must not be negative, was " + listener.maxAttempts());
		}
		StreamSettings defaults = this.container.getDefaultSettings();
		StreamSettings settings = (listener.maxAttempts() > 0) ? defaults.withMaxAttempts(listener.maxAttempts())
				: defaults;
		this.container.register(new StreamSubscription(method.getDeclaringClass().getSimpleName() + "."
				+ method.getName(), stream, group, listener.concurrency(), settings,
				new MethodStreamHandler(bean, method, this.payloads)));
	}

	private static IllegalStateException invalid(Method method, String problem) {
		return new IllegalStateException(method.getDeclaringClass().getName() + "." + method.getName() + ": " + problem);
	}

	/**
	 * Where jobs live and how they are consumed, from {@code redisboot.jobs.*}. Public for
	 * the auto-configuration; not API.
	 *
	 * @param stream the jobs stream
	 * @param group the consumer group of the job handlers
	 * @param concurrency how many jobs this instance runs at once
	 * @param settings retries, reclaim and trimming
	 * @param statusTracking whether jobs have a status record ({@link JobQueue#status}), which
	 * cancellation needs too
	 * @param statusTtl how long a status record is kept after its job finished
	 * @param uniqueTtl the longest a unique key ({@link JobQueue#enqueueUnique}) is held, should
	 * its release be missed
	 * @param priorities the priority of each job type that has one other than
	 * {@link JobPriority#NORMAL}
	 * @param highPriorityConcurrency how many high-priority jobs this instance runs at once
	 * @param lowPriorityConcurrency how many low-priority jobs this instance runs at once
	 * @param limits the limits of each job type that has some
	 * @param deferral how long a job waits that found its type's concurrency on this instance
	 * taken
	 */
	public record JobSettings(String stream, String group, int concurrency, StreamSettings settings,
			boolean statusTracking, Duration statusTtl, Duration uniqueTtl, Map<String, JobPriority> priorities,
			int highPriorityConcurrency, int lowPriorityConcurrency, Map<String, JobLimits> limits, Duration deferral) {

		/**
		 * Creates settings with status tracking (status and unique-key TTL of a day), without
		 * priorities or limits.
		 * @param stream the jobs stream
		 * @param group the consumer group of the job handlers
		 * @param concurrency how many jobs this instance runs at once
		 * @param settings retries, reclaim and trimming
		 */
		public JobSettings(String stream, String group, int concurrency, StreamSettings settings) {
			this(stream, group, concurrency, settings, true, Duration.ofDays(1), Duration.ofDays(1));
		}

		/**
		 * Creates settings without priorities.
		 * @param stream the jobs stream
		 * @param group the consumer group of the job handlers
		 * @param concurrency how many jobs this instance runs at once
		 * @param settings retries, reclaim and trimming
		 * @param statusTracking whether jobs have a status record
		 * @param statusTtl how long a status record is kept after its job finished
		 * @param uniqueTtl the longest a unique key is held
		 */
		public JobSettings(String stream, String group, int concurrency, StreamSettings settings,
				boolean statusTracking, Duration statusTtl, Duration uniqueTtl) {
			this(stream, group, concurrency, settings, statusTracking, statusTtl, uniqueTtl, Map.of(), concurrency, 1,
					Map.of(), Duration.ofSeconds(1));
		}

		public JobSettings {
			priorities = Map.copyOf(priorities);
			limits = Map.copyOf(limits);
		}

		/**
		 * Returns the limits of a job type.
		 * @param type the job type
		 * @return its limits, {@link JobLimits#NONE} unless configured
		 */
		public JobLimits limits(String type) {
			return this.limits.getOrDefault(type, JobLimits.NONE);
		}

		/**
		 * Returns the priority of a job type.
		 * @param type the job type
		 * @return its priority, {@link JobPriority#NORMAL} unless configured
		 */
		public JobPriority priority(String type) {
			return this.priorities.getOrDefault(type, JobPriority.NORMAL);
		}

	}

}
