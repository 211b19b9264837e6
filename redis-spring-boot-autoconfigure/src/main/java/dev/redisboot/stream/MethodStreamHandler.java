package dev.redisboot.stream;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Calls a bean method with an entry's payload (converted to the method's payload parameter)
 * and, if it asks for one, the {@link StreamDelivery}.
 *
 * @author redisboot
 */
final class MethodStreamHandler implements StreamHandler {

	private final Object bean;

	private final Method method;

	private final int payloadIndex;

	private final int deliveryIndex;

	private final JsonPayloads.Reader reader;

	MethodStreamHandler(Object bean, Method method, JsonPayloads payloads) {
		this.bean = bean;
		this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(this.method);
		int payload = -1;
		int delivery = -1;
		Type[] types = method.getGenericParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (types[i] == StreamDelivery.class) {
				if (delivery >= 0) {
					throw invalid(method, "takes more than one StreamDelivery");
				}
				delivery = i;
			}
			else {
				if (payload >= 0) {
					throw invalid(method, "takes more than one payload parameter");
				}
				payload = i;
			}
		}
		this.payloadIndex = payload;
		this.deliveryIndex = delivery;
		this.reader = (payload >= 0) ? payloads.readerFor(types[payload]) : (bytes) -> null;
	}

	private static IllegalStateException invalid(Method method, String problem) {
		return new IllegalStateException(method.getDeclaringClass().getName() + "." + method.getName() + " " + problem
				+ "; a stream listener or job handler takes the payload and, optionally, a StreamDelivery");
	}

	@Override
	public void handle(Map<String, byte[]> fields, StreamDelivery delivery) throws Exception {
		Object[] args = new Object[this.method.getParameterCount()];
		if (this.payloadIndex >= 0) {
			byte[] payload = fields.get(StreamFields.PAYLOAD);
			if (payload == null) {
				throw new UnprocessableEntryException("Entry has no payload field", null);
			}
			args[this.payloadIndex] = this.reader.read(payload);
		}
		if (this.deliveryIndex >= 0) {
			args[this.deliveryIndex] = delivery;
		}
		try {
			this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			throw (Error) target;
		}
	}

	@Override
	public String toString() {
		return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
	}

}
