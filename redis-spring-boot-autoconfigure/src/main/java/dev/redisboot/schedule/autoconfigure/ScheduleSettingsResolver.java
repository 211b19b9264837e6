package dev.redisboot.schedule.autoconfigure;

import java.lang.reflect.Method;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.schedule.FireTimes;
import dev.redisboot.schedule.MissedFires;
import dev.redisboot.schedule.RecurringJob;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.autoconfigure.RedisbootJobProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;

/**
 * Builds the recurring jobs from {@code redisboot.jobs.schedules.*} and from
 * {@code @JobHandler} methods with a {@code cron} or {@code fixedRate}, failing startup with
 * a message that names the wrong property (or method): the one place they are validated. A
 * schedule whose job type has no {@code @JobHandler} in this application is logged at WARN,
 * not refused: an application may enqueue jobs that another application's workers run.
 */
final class ScheduleSettingsResolver {

	private static final Log logger = LogFactory.getLog(ScheduleSettingsResolver.class);

	private static final String PREFIX = "redisboot.jobs.schedules";

	private static final String CRON_EXAMPLE = "Use six fields, seconds first, such as '0 0 3 * * *' (03:00 every "
			+ "day), or a macro such as @daily.";

	private final RedisbootJobProperties properties;

	private final PropertyResolver placeholders;

	private final Map<String, RecurringJob> annotated = new LinkedHashMap<>();

	private final Set<String> handlerTypes = new TreeSet<>();

	ScheduleSettingsResolver(RedisbootJobProperties properties, PropertyResolver placeholders) {
		this.properties = properties;
		this.placeholders = placeholders;
	}

	/**
	 * Records a {@code @JobHandler} method, and its schedule if it has one.
	 * @param where the method, for messages
	 * @param handler the annotation
	 * @throws IllegalStateException for a schedule that cannot work
	 */
	void handler(Method where, JobHandler handler) {
		String type = handler.value();
		this.handlerTypes.add(type);
		String cron = resolve(handler.cron());
		String rate = resolve(handler.fixedRate());
		if (cron.isEmpty() && rate.isEmpty()) {
			if (!handler.zone().isEmpty() || !handler.missedFires().isEmpty()) {
				throw annotationError(where, type, "zone and missedFires need a cron or a fixedRate");
			}
			return;
		}
		if (!cron.isEmpty() && !rate.isEmpty()) {
			throw annotationError(where, type, "set cron or fixedRate, not both");
		}
		if (!RecurringJob.validName(type)) {
			throw annotationError(where, type, "a scheduled job type must be 1 to 200 characters without curly braces");
		}
		FireTimes times;
		try {
			if (!cron.isEmpty()) {
				String zone = resolve(handler.zone());
				times = FireTimes.cron(cron, zone.isEmpty() ? ZoneOffset.UTC : ZoneId.of(zone));
			}
			else {
				if (!handler.zone().isEmpty()) {
					throw annotationError(where, type, "zone applies to cron only; fixed rates are in UTC");
				}
				Duration duration = DurationStyle.detectAndParse(rate);
				if (duration.isNegative() || duration.toMillis() <= 0) {
					throw annotationError(where, type, "fixedRate '" + rate + "' must be at least 1ms");
				}
				times = FireTimes.fixedRate(duration, Instant.EPOCH);
			}
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw annotationError(where, type, ex.getMessage());
		}
		MissedFires missed = switch (resolve(handler.missedFires())) {
			case "", "skip" -> MissedFires.SKIP;
			case "run-once" -> MissedFires.RUN_ONCE;
			default -> throw annotationError(where, type, "missedFires must be skip or run-once");
		};
		RecurringJob job = new RecurringJob(type, type, times, null, missed, Duration.ofMinutes(1));
		if (this.annotated.put(type, job) != null) {
			throw annotationError(where, type, "another @JobHandler method schedules the same type");
		}
	}

	/**
	 * Returns the schedules: the annotated ones, overridden by properties of the same name.
	 * @return the schedules
	 */
	List<RecurringJob> schedules() {
		Map<String, RecurringJob> schedules = new LinkedHashMap<>(this.annotated);
		this.properties.getSchedules().forEach((name, schedule) -> {
			String property = PREFIX + "." + name;
			if (!RecurringJob.validName(name)) {
				throw new InvalidPropertyException(property, name, "A schedule's name appears in a key name",
						"Use a name of 1 to 200 characters without curly braces.");
			}
			if (!schedule.isEnabled()) {
				schedules.remove(name);
				return;
			}
			schedules.put(name, schedule(name, schedule, this.annotated.get(name)));
		});
		List<String> unhandled = new ArrayList<>();
		schedules.values().forEach((job) -> {
			if (!this.handlerTypes.contains(job.jobType())) {
				unhandled.add(job.name() + " (" + job.jobType() + ")");
			}
		});
		if (!unhandled.isEmpty()) {
			logger.warn("Schedules " + unhandled + " enqueue job types that no @JobHandler of this application "
					+ "runs: their jobs wait in the jobs stream for another application's workers (check " + PREFIX
					+ ".<name>.type if that is not intended)");
		}
		return new ArrayList<>(schedules.values());
	}

	private RecurringJob schedule(String name, RedisbootJobProperties.Schedule schedule,
			@Nullable RecurringJob annotation) {
		String property = PREFIX + "." + name + ".";
		String cron = schedule.getCron();
		Duration rate = schedule.getFixedRate();
		if (cron != null && !cron.isBlank() && rate != null) {
			throw new InvalidPropertyException(property + "fixed-rate", rate,
					"The schedule also sets a cron expression",
					"Set either " + property + "cron or " + property + "fixed-rate, not both.");
		}
		FireTimes times;
		if (cron != null && !cron.isBlank()) {
			ZoneId zone = zone(property + "zone", schedule.getZone());
			try {
				times = FireTimes.cron(cron, zone);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException(property + "cron", cron,
						"Not a valid cron expression: " + ex.getMessage(), CRON_EXAMPLE);
			}
		}
		else if (rate != null) {
			PropertyChecks.positive(property + "fixed-rate", rate, "10m");
			if (rate.toMillis() <= 0) {
				throw new InvalidPropertyException(property + "fixed-rate", rate, "The rate is below 1 ms",
						"Use a rate of at least 1ms, such as 10m.");
			}
			if (schedule.getZone() != null) {
				throw new InvalidPropertyException(property + "zone", schedule.getZone(),
						"A zone applies to cron expressions only; fixed rates are counted from the epoch (UTC)",
						"Remove " + property + "zone, or use " + property + "cron.");
			}
			times = FireTimes.fixedRate(rate, Instant.EPOCH);
		}
		else if (annotation != null) {
			times = annotation.fireTimes();
		}
		else {
			throw new InvalidPropertyException(property + "cron", null, "A schedule needs a cron expression or a rate",
					"Set " + property + "cron (such as '0 0 3 * * *') or " + property + "fixed-rate (such as 10m).");
		}
		String type = schedule.getType();
		if (type != null && type.isBlank()) {
			throw new InvalidPropertyException(property + "type", type, "A job type must not be blank",
					"Set the job type of a @JobHandler, or remove it to use the schedule's name.");
		}
		Duration threshold = PropertyChecks.positive(property + "misfire-threshold", schedule.getMisfireThreshold(),
				"1m");
		MissedFires missed = (schedule.getMissedFires() == RedisbootJobProperties.MissedFires.RUN_ONCE)
				? MissedFires.RUN_ONCE : MissedFires.SKIP;
		Object payload = schedule.getPayload().isEmpty() ? null : schedule.getPayload();
		return new RecurringJob(name, (type != null) ? type : name, times, payload, missed, threshold);
	}

	private static ZoneId zone(String property, @Nullable String zone) {
		if (zone == null) {
			return ZoneOffset.UTC;
		}
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new InvalidPropertyException(property, zone, "Not a known time zone",
					"Use a zone id such as Europe/Paris, America/New_York or UTC.");
		}
	}

	private String resolve(String value) {
		return value.isEmpty() ? value : this.placeholders.resolveRequiredPlaceholders(value).trim();
	}

	private static IllegalStateException annotationError(Method where, String type, @Nullable String problem) {
		return new IllegalStateException("@JobHandler(\"" + type + "\") on " + where.getDeclaringClass().getSimpleName()
				+ "." + where.getName() + ": " + problem);
	}

}
