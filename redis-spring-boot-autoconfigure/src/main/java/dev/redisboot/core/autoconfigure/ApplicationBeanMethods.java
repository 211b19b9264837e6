package dev.redisboot.core.autoconfigure;

import java.lang.reflect.Method;
import java.util.function.BiConsumer;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Visits the methods of the application's beans, for startup checks of annotations such as
 * {@code @Cacheable} or {@code @RateLimited}: every user-declared method of every bean
 * type, skipping infrastructure beans and Spring's own classes, without creating beans.
 */
public final class ApplicationBeanMethods {

	private ApplicationBeanMethods() {
	}

	/**
	 * Calls the visitor for each method of each application bean's class.
	 * @param beanFactory the bean factory
	 * @param visitor receives the bean's class (without proxy subclasses) and a method
	 */
	public static void forEach(ConfigurableListableBeanFactory beanFactory, BiConsumer<Class<?>, Method> visitor) {
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			if (beanFactory.containsBeanDefinition(beanName)
					&& beanFactory.getBeanDefinition(beanName).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
				continue;
			}
			Class<?> type = beanFactory.getType(beanName, false);
			if (type == null) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			if (userType.getName().startsWith("org.springframework.")) {
				continue;
			}
			for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userType,
					ReflectionUtils.USER_DECLARED_METHODS)) {
				visitor.accept(userType, method);
			}
		}
	}

}
