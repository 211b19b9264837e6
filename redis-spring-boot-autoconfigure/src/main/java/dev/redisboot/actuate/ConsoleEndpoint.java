package dev.redisboot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.redisboot.core.ConsoleSection;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code console} Actuator endpoint: one HTML page for operators (Redis overview and
 * advice, caches, rate limits, sessions, jobs and streams, slow log and big keys, the audit
 * trail) with its CSS and JavaScript inline, no external asset. The page reads the other
 * endpoints ({@code redis}, {@code streams}, {@code principals}, {@code audit}) and this
 * one's data, the {@code redisboot.*} meters as the application already keeps them, so it
 * adds no Redis load of its own beyond what those endpoints do when asked; big keys are
 * sampled only on request.
 * <ul>
 * <li>{@code GET /actuator/console}: the page ({@code text/html});</li>
 * <li>{@code GET /actuator/console/data}: the meters, the access of each endpoint the
 * page uses, so that it offers write actions only where they are allowed, and the features'
 * {@link ConsoleSection sections} (such as the most rejected clients of each rate-limit
 * rule, as digests).</li>
 * </ul>
 * Write actions are the other endpoints' write operations, so they follow each endpoint's
 * {@code management.endpoint.<id>.access} (read-only unless configured) and are recorded by
 * the audit trail. Like every endpoint but health, it is not exposed over HTTP unless listed
 * in {@code management.endpoints.web.exposure.include}.
 *
 * @author redisboot
 */
@Endpoint(id = "console")
public class ConsoleEndpoint {

	private static final List<String> ENDPOINTS = List.of("redis", "streams", "principals", "audit", "schedules");

	private static final int MAX_METERS = 1000;

	private final Supplier<@Nullable MeterRegistry> registry;

	private final @Nullable EndpointAccessResolver accessResolver;

	private final Supplier<List<ConsoleSection>> sections;

	private volatile @Nullable String page;

	/**
	 * Creates the endpoint.
	 * @param registry the meter registry, looked up on use, or {@code null}
	 * @param accessResolver resolves the access of the endpoints the page uses, or
	 * {@code null} to offer no write action
	 */
	public ConsoleEndpoint(Supplier<@Nullable MeterRegistry> registry,
			@Nullable EndpointAccessResolver accessResolver) {
		this(registry, accessResolver, List::of);
	}

	/**
	 * Creates the endpoint, with the features' own sections.
	 * @param registry the meter registry, looked up on use, or {@code null}
	 * @param accessResolver resolves the access of the endpoints the page uses, or
	 * {@code null} to offer no write action
	 * @param sections the features' sections ({@link ConsoleSection} beans), looked up on use
	 */
	public ConsoleEndpoint(Supplier<@Nullable MeterRegistry> registry, @Nullable EndpointAccessResolver accessResolver,
			Supplier<List<ConsoleSection>> sections) {
		this.registry = registry;
		this.accessResolver = accessResolver;
		this.sections = sections;
	}

	/**
	 * The page.
	 * @return the HTML
	 */
	@ReadOperation(produces = "text/html;charset=UTF-8")
	public String page() {
		String html = this.page;
		if (html == null) {
			try (InputStream in = ConsoleEndpoint.class.getResourceAsStream("console.html")) {
				if (in == null) {
					throw new IllegalStateException("dev/redisboot/actuate/console.html is missing");
				}
				html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.page = html;
		}
		return html;
	}

	/**
	 * The page's data.
	 * @param part must be {@code data}
	 * @return the access of each endpoint and the meters, or {@code null} (404)
	 */
	@ReadOperation
	public @Nullable Map<String, Object> data(@Selector String part) {
		if (!"data".equals(part)) {
			return null;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		Map<String, String> access = new LinkedHashMap<>();
		for (String endpoint : ENDPOINTS) {
			// each endpoint's own default: only redis is unrestricted unless configured
			Access defaultAccess = endpoint.equals("redis") ? Access.UNRESTRICTED : Access.READ_ONLY;
			access.put(endpoint, (this.accessResolver != null)
					? this.accessResolver.accessFor(EndpointId.of(endpoint), defaultAccess).name()
					: Access.READ_ONLY.name());
		}
		data.put("access", access);
		data.put("meters", meters());
		Map<String, Object> sections = new LinkedHashMap<>();
		for (ConsoleSection section : this.sections.get()) {
			sections.put(section.name(), section.data());
		}
		data.put("sections", sections);
		return data;
	}

	private List<Map<String, Object>> meters() {
		MeterRegistry meterRegistry = this.registry.get();
		List<Map<String, Object>> meters = new ArrayList<>();
		if (meterRegistry == null) {
			return meters;
		}
		for (Meter meter : meterRegistry.getMeters()) {
			String name = meter.getId().getName();
			if (!name.startsWith("redisboot.") || meters.size() >= MAX_METERS) {
				continue;
			}
			Map<String, Object> description = new LinkedHashMap<>();
			description.put("name", name);
			Map<String, String> tags = new LinkedHashMap<>();
			for (Tag tag : meter.getId().getTags()) {
				tags.put(tag.getKey(), tag.getValue());
			}
			description.put("tags", tags);
			Map<String, Double> values = new LinkedHashMap<>();
			for (Measurement measurement : meter.measure()) {
				double value = measurement.getValue();
				values.put(measurement.getStatistic().getTagValueRepresentation(), Double.isFinite(value) ? value : 0);
			}
			description.put("values", values);
			meters.add(description);
		}
		return meters;
	}

}
