package dev.redisboot.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The checks that {@code redisboot.*} properties share, each failing with an
 * {@link InvalidPropertyException} that names the property, the rejected value and what
 * to set instead.
 * <p>
 * House rule: every feature validates its properties in one place, the
 * {@code *SettingsResolver} (or {@code *Properties#validate}) of its
 * {@code autoconfigure} package, with these checks, when the auto-configuration creates
 * its beans. Properties classes stay plain JavaBeans for binding and metadata.
 *
 * @author redisboot
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * Require a duration above zero.
	 * @param property the full property name
	 * @param value the bound value; {@code null} is rejected
	 * @param example an example value for the message, for example {@code "1s"}
	 * @return the value
	 */
	public static Duration positive(String property, @Nullable Duration value, String example) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value,
					(value == null) ? "A duration is required" : "The duration must be positive",
					"Use a positive duration such as " + example + ".");
		}
		return value;
	}

	/**
	 * Require a duration above zero when one is set.
	 * @param property the full property name
	 * @param value the bound value or {@code null}
	 * @param example an example value for the message
	 * @return the value or {@code null}
	 */
	public static @Nullable Duration positiveIfSet(String property, @Nullable Duration value, String example) {
		return (value != null) ? positive(property, value, example) : null;
	}

	/**
	 * Require a duration of zero or more.
	 * @param property the full property name
	 * @param value the bound value; {@code null} is rejected
	 * @param example an example value for the message
	 * @return the value
	 */
	public static Duration notNegative(String property, @Nullable Duration value, String example) {
		if (value == null || value.isNegative()) {
			throw new InvalidPropertyException(property, value,
					(value == null) ? "A duration is required" : "The duration must not be negative",
					"Use a duration such as " + example + " (0 turns it off).");
		}
		return value;
	}

	/**
	 * Require a number of at least {@code minimum}.
	 * @param property the full property name
	 * @param value the bound value
	 * @param minimum the smallest allowed value
	 * @param example an example value for the message
	 * @return the value
	 */
	public static long atLeast(String property, long value, long minimum, String example) {
		if (value < minimum) {
			throw new InvalidPropertyException(property, value, "The value must be at least " + minimum,
					"Use a value such as " + example + ".");
		}
		return value;
	}

	/**
	 * Require a number of at least {@code minimum}.
	 * @param property the full property name
	 * @param value the bound value
	 * @param minimum the smallest allowed value
	 * @param example an example value for the message
	 * @return the value
	 */
	public static int atLeast(String property, int value, int minimum, String example) {
		return (int) atLeast(property, (long) value, minimum, example);
	}

	/**
	 * Require a number from {@code minimum} to {@code maximum}, both included.
	 * @param property the full property name
	 * @param value the bound value
	 * @param minimum the smallest allowed value
	 * @param maximum the largest allowed value
	 * @param example an example value for the message
	 * @return the value
	 */
	public static long between(String property, long value, long minimum, long maximum, String example) {
		if (value < minimum || value > maximum) {
			throw new InvalidPropertyException(property, value,
					"The value must be from " + minimum + " to " + maximum, "Use a value such as " + example + ".");
		}
		return value;
	}

}
