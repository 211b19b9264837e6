package dev.redisboot.stream;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * Native-image hints for {@link RedisStreamListener} and {@link JobHandler} methods, which
 * are called by reflection: the method may be invoked, and its payload parameter type may be
 * read from JSON. Applied by Spring's AOT processing to every bean with such a method, as
 * {@code @EventListener} methods are.
 *
 * @author redisboot
 */
final class HandlerMethodReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Type type : method.getGenericParameterTypes()) {
			if (type != StreamDelivery.class && type != String.class && type != byte[].class) {
				this.bindingRegistrar.registerReflectionHints(hints, type);
			}
		}
	}

}
