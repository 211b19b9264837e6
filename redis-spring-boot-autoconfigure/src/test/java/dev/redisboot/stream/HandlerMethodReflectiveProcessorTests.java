package dev.redisboot.stream;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Native-image hints for {@code @RedisStreamListener} and {@code @JobHandler} methods, as
 * Spring's AOT processing registers them for a bean that has such methods.
 */
class HandlerMethodReflectiveProcessorTests {

	@Test
	void listenerAndJobHandlerMethodsCanBeInvokedAndTheirPayloadsRead() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Handlers.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "order")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "mail")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Order.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "id")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Line.class)).as("a type inside the payload")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Mail.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "notAListener"))
			.rejects(hints);
	}

	record Order(String id, List<Line> lines) {
	}

	record Line(String sku, int quantity) {
	}

	record Mail(String to) {
	}

	static class Handlers {

		@RedisStreamListener(stream = "orders", group = "billing")
		void order(Order order, StreamDelivery delivery) {
		}

		@JobHandler("mail")
		void mail(Mail mail) {
		}

		void notAListener(String text) {
		}

	}

}
