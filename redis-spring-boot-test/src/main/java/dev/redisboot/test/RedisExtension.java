package dev.redisboot.test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * JUnit Jupiter extension behind {@link WithRedis}: starts (or reuses) the deployment before
 * the class's tests, resolves it as a parameter, and stops an isolated deployment after them.
 * A deployment that cannot be started fails the class with the reason; it is never skipped.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Map<Class<?>, RedisDeployment> isolated = new ConcurrentHashMap<>();

	@Override
	public void beforeAll(ExtensionContext context) {
		deploymentFor(context.getRequiredTestClass());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		WithRedis annotation = findAnnotation(testClass);
		if (annotation != null && annotation.isolated() && owner(testClass) == testClass) {
			RedisDeployment deployment = isolated.remove(testClass);
			if (deployment != null) {
				deployment.close();
			}
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return RedisDeployment.class.isAssignableFrom(type);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		RedisDeployment deployment = deploymentFor(extensionContext.getRequiredTestClass());
		if (!type.isInstance(deployment)) {
			throw new ParameterResolutionException("Parameter of type " + type.getName() + " cannot take the "
					+ deployment.topology() + " deployment of @WithRedis; use " + deployment.getClass().getSimpleName()
					+ " or RedisDeployment");
		}
		return deployment;
	}

	/**
	 * Deployment for a test class: the class's own when {@code isolated}, the JVM-wide one
	 * otherwise. Nested classes share their enclosing class's deployment.
	 * @param testClass the test class
	 * @return the running deployment
	 */
	static RedisDeployment deploymentFor(Class<?> testClass) {
		WithRedis annotation = findAnnotation(testClass);
		if (annotation == null) {
			throw new ExtensionConfigurationException(testClass.getName() + " is not annotated with @WithRedis");
		}
		if (!annotation.isolated()) {
			return RedisDeployments.shared(annotation.value());
		}
		return isolated.computeIfAbsent(owner(testClass), (owner) -> RedisDeployments.start(annotation.value()));
	}

	static @Nullable WithRedis findAnnotation(Class<?> testClass) {
		return TestContextAnnotationUtils.findMergedAnnotation(testClass, WithRedis.class);
	}

	/**
	 * Outermost class in the chain of enclosing classes that carries the annotation, so that
	 * {@code @Nested} classes use their enclosing class's deployment.
	 */
	private static Class<?> owner(Class<?> testClass) {
		Class<?> owner = testClass;
		Class<?> candidate = testClass.getEnclosingClass();
		while (candidate != null && findAnnotation(candidate) != null) {
			owner = candidate;
			candidate = candidate.getEnclosingClass();
		}
		return owner;
	}

}
