package dev.redisboot.core.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.redis.RedisServerConnection;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.NativeDetector;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.StringUtils;

/**
 * Builds a {@link RedisServerConnection} from properties of Spring Boot's
 * {@code spring.data.redis.*} shape under another prefix (such as
 * {@code redisboot.cache.redis.*}): standalone, URL, Sentinel, Cluster, credentials, SSL
 * bundle, timeouts, Lettuce pool and options. The connection factory is made by Spring Boot's
 * own Redis auto-configuration, in a small context of its own whose only properties are the
 * prefixed ones renamed to {@code spring.data.redis.*}, so that every setting means exactly
 * what it means to Boot. The connection shares the application's Lettuce
 * {@link ClientResources} (no extra threads) and SSL bundles, and the application's Lettuce
 * customizer beans apply to it as to the application's connection. Connections are opened on
 * first use.
 * <p>
 * Not in a native image (the small context is parsed at run time): there, setting the
 * properties fails startup naming them.
 * <p>
 * Combinations that Boot would silently resolve by ignoring one setting fail startup with an
 * {@link InvalidPropertyException} naming the property: a URL with Sentinel or Cluster nodes,
 * Sentinel with Cluster nodes, an SSL bundle that is not defined, the Jedis client.
 *
 * @author redisboot
 */
public final class SeparateRedisConnections {

	private static final String BOOT_PREFIX = "spring.data.redis";

	private SeparateRedisConnections() {
	}

	/**
	 * Whether any property is set under the prefix.
	 * @param environment the application's environment
	 * @param prefix the prefix, such as {@code redisboot.cache.redis}
	 * @return whether the separate server is configured
	 */
	public static boolean isConfigured(Environment environment, String prefix) {
		return !properties(environment, prefix).isEmpty();
	}

	/**
	 * Checks the properties under the prefix and builds the connection.
	 * @param name the server's name, such as {@code cache}
	 * @param prefix the prefix, such as {@code redisboot.cache.redis}
	 * @param environment the application's environment
	 * @param clientResources the application's Lettuce client resources
	 * @param sslBundles the application's SSL bundles
	 * @param configurationCustomizers the application's Lettuce client configuration customizers
	 * @param optionsCustomizers the application's Lettuce client options customizers
	 * @param resourcesCustomizers customizers of the connection's own client resources
	 * @return the connection, its factory started
	 * @throws InvalidPropertyException naming a wrong property
	 */
	public static RedisServerConnection create(String name, String prefix, Environment environment,
			ClientResources clientResources, @Nullable SslBundles sslBundles,
			ObjectProvider<LettuceClientConfigurationBuilderCustomizer> configurationCustomizers,
			ObjectProvider<LettuceClientOptionsBuilderCustomizer> optionsCustomizers,
			ObjectProvider<RedisServerClientResourcesCustomizer> resourcesCustomizers) {
		Map<String, Object> properties = properties(environment, prefix);
		if (NativeDetector.inNativeImage()) {
			// the isolated context's configuration classes are parsed at run time, which a native image cannot do
			throw new InvalidPropertyException(prefix + ".*", String.join(", ", properties.keySet()),
					"A separate Redis connection is not supported in a native image yet",
					"Run on the JVM, or remove the " + prefix + ".* properties so that the feature uses"
							+ " spring.data.redis.*.");
		}
		validate(prefix, Binder.get(environment).bindOrCreate(prefix, DataRedisProperties.class), sslBundles);
		Map<String, Object> renamed = new LinkedHashMap<>();
		properties.forEach((key, value) -> renamed.put(BOOT_PREFIX + key.substring(prefix.length()), value));
		String virtualThreads = environment.getProperty("spring.threads.virtual.enabled");
		if (virtualThreads != null) {
			renamed.put("spring.threads.virtual.enabled", virtualThreads);
		}
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.setDisplayName("redisboot " + name + " Redis connection (" + prefix + ".*)");
		AbstractEnvironment isolated = new AbstractEnvironment() {
		};
		isolated.getPropertySources().addFirst(new MapPropertySource(prefix, renamed));
		context.setEnvironment(isolated);
		List<RedisServerClientResourcesCustomizer> customizers = resourcesCustomizers.orderedStream().toList();
		ClientResources resources = clientResources;
		if (!customizers.isEmpty()) {
			// shares the event loops, executor and timer: shutting it down leaves them to the application
			ClientResources.Builder builder = clientResources.mutate();
			customizers.forEach((customizer) -> customizer.customize(name, builder));
			resources = builder.build();
		}
		ClientResources ownResources = (resources != clientResources) ? resources : null;
		context.getBeanFactory().registerSingleton("lettuceClientResources", resources);
		if (sslBundles != null) {
			context.getBeanFactory().registerSingleton("sslBundleRegistry", sslBundles);
		}
		int index = 0;
		for (LettuceClientConfigurationBuilderCustomizer customizer : configurationCustomizers.orderedStream()
			.toList()) {
			context.getBeanFactory().registerSingleton("lettuceClientConfigurationCustomizer" + index++, customizer);
		}
		for (LettuceClientOptionsBuilderCustomizer customizer : optionsCustomizers.orderedStream().toList()) {
			context.getBeanFactory().registerSingleton("lettuceClientOptionsCustomizer" + index++, customizer);
		}
		context.register(DataRedisAutoConfiguration.class);
		AutoCloseable close = () -> {
			context.close();
			if (ownResources != null) {
				ownResources.shutdown(0, 2, TimeUnit.SECONDS);
			}
		};
		try {
			context.refresh();
			return new RedisServerConnection(name, prefix, context.getBean(LettuceConnectionFactory.class), close);
		}
		catch (RuntimeException ex) {
			try {
				close.close();
			}
			catch (Exception closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
	}

	private static void validate(String prefix, DataRedisProperties properties, @Nullable SslBundles sslBundles) {
		boolean url = StringUtils.hasText(properties.getUrl());
		boolean cluster = properties.getCluster() != null && hasNodes(properties.getCluster().getNodes());
		boolean sentinel = properties.getSentinel() != null && hasNodes(properties.getSentinel().getNodes());
		if (url && (cluster || sentinel)) {
			throw InvalidPropertyException.withValueWithheld(prefix + ".url",
					"A URL names one server, and " + prefix + (cluster ? ".cluster.nodes" : ".sentinel.nodes")
							+ " is set too: the URL would be ignored",
					"Set either " + prefix + ".url or " + prefix + (cluster ? ".cluster.nodes" : ".sentinel.nodes")
							+ ", not both (credentials go to " + prefix + ".username and .password).");
		}
		if (cluster && sentinel) {
			throw new InvalidPropertyException(prefix + ".sentinel.nodes", properties.getSentinel().getNodes(),
					"Sentinel nodes and " + prefix + ".cluster.nodes are both set",
					"Set either " + prefix + ".sentinel.* (a primary watched by Sentinels) or " + prefix
							+ ".cluster.nodes (a Redis Cluster).");
		}
		if (url && !properties.getUrl().startsWith("redis://") && !properties.getUrl().startsWith("rediss://")) {
			throw InvalidPropertyException.withValueWithheld(prefix + ".url", "The URL's scheme is not redis or rediss",
					"Use redis://[user:password@]host:port[/database], or rediss:// for TLS.");
		}
		if (properties.getClientType() == DataRedisProperties.ClientType.JEDIS) {
			throw new InvalidPropertyException(prefix + ".client-type", "jedis",
					"redisboot's features run on Lettuce", "Remove the property or set it to lettuce.");
		}
		String bundle = properties.getSsl().getBundle();
		if (StringUtils.hasText(bundle) && (sslBundles == null || !sslBundles.getBundleNames().contains(bundle))) {
			throw new InvalidPropertyException(prefix + ".ssl.bundle", bundle, "No SSL bundle of that name is defined",
					"Define it with spring.ssl.bundle.pem." + bundle + ".truststore.certificate (or"
							+ " spring.ssl.bundle.jks." + bundle + ".*), or name a defined bundle"
							+ ((sslBundles != null && !sslBundles.getBundleNames().isEmpty())
									? " (" + String.join(", ", sslBundles.getBundleNames()) + ")" : "")
							+ ".");
		}
	}

	private static boolean hasNodes(@Nullable List<String> nodes) {
		return nodes != null && !nodes.isEmpty();
	}

	/**
	 * The properties set under the prefix, by canonical name, the first source winning.
	 */
	private static Map<String, Object> properties(Environment environment, String prefix) {
		ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
		Map<String, Object> properties = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(root::isAncestorOf).forEach((propertyName) -> {
					ConfigurationProperty property = iterable.getConfigurationProperty(propertyName);
					Object value = (property != null) ? property.getValue() : null;
					if (value != null) {
						// placeholders are resolved here: the isolated context cannot see what they name
						properties.putIfAbsent(propertyName.toString(),
								(value instanceof String text) ? environment.resolvePlaceholders(text) : value);
					}
				});
			}
		}
		return properties;
	}

}
