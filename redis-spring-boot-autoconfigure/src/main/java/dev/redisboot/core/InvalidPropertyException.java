package dev.redisboot.core;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Exception thrown when a {@code redisboot.*} configuration property has a value that
 * cannot be used. Carries what a person needs to fix it: the property name, the rejected
 * value, why it was rejected and what to do instead. A failure analyzer turns it into the
 * "APPLICATION FAILED TO START" report, even when Spring wraps it in a bind or bean
 * creation exception.
 * <p>
 * Values of secret properties (passwords, tokens) must not end up in logs: create the
 * exception with {@link #withValueWithheld(String, String, String)} and the value is
 * never stored.
 *
 * @author redisboot
 */
public class InvalidPropertyException extends IllegalStateException {

	private static final String WITHHELD = "<withheld>";

	private final String propertyName;

	private final @Nullable Object value;

	private final boolean valueWithheld;

	private final String reason;

	private final String action;

	/**
	 * Create a new exception for a property whose value may be shown.
	 * @param propertyName the full name of the property, for example
	 * {@code redisboot.key-prefix}
	 * @param value the rejected value, or {@code null} if the property had no value
	 * @param reason why the value was rejected, for example "must not contain whitespace"
	 * @param action what the user should do: the allowed values or the change to make
	 */
	public InvalidPropertyException(String propertyName, @Nullable Object value, String reason, String action) {
		this(propertyName, value, false, reason, action);
	}

	private InvalidPropertyException(String propertyName, @Nullable Object value, boolean valueWithheld,
			String reason, String action) {
		super(buildMessage(propertyName, value, valueWithheld, reason));
		Assert.hasText(propertyName, "'propertyName' must not be empty");
		Assert.hasText(reason, "'reason' must not be empty");
		Assert.hasText(action, "'action' must not be empty");
		this.propertyName = propertyName;
		this.value = value;
		this.valueWithheld = valueWithheld;
		this.reason = reason;
		this.action = action;
	}

	/**
	 * Create a new exception for a secret property: the rejected value is neither stored
	 * nor shown in the message.
	 * @param propertyName the full name of the property
	 * @param reason why the value was rejected; must not quote the value
	 * @param action what the user should do
	 * @return the exception
	 */
	public static InvalidPropertyException withValueWithheld(String propertyName, String reason, String action) {
		return new InvalidPropertyException(propertyName, null, true, reason, action);
	}

	/**
	 * Return the full name of the property, for example {@code redisboot.key-prefix}.
	 * @return the property name
	 */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * Return the rejected value. {@code null} when the property had no value or when the
	 * value was {@linkplain #isValueWithheld() withheld}.
	 * @return the rejected value or {@code null}
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return whether the value was withheld because it may be a secret.
	 * @return whether the value was withheld
	 */
	public boolean isValueWithheld() {
		return this.valueWithheld;
	}

	/**
	 * Return a text describing the value for messages: quoted, {@code <withheld>} or
	 * {@code <none>}. Never reveals a withheld value.
	 * @return the value for display
	 */
	public String getDisplayValue() {
		return displayValue(this.value, this.valueWithheld);
	}

	/**
	 * Return why the value was rejected.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return what the user should do: the allowed values or the change to make.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

	private static String buildMessage(String propertyName, @Nullable Object value, boolean valueWithheld,
			String reason) {
		return "Invalid value " + displayValue(value, valueWithheld) + " for property '" + propertyName + "': "
				+ reason;
	}

	private static String displayValue(@Nullable Object value, boolean valueWithheld) {
		if (valueWithheld) {
			return WITHHELD;
		}
		return (value != null) ? "'" + value + "'" : "<none>";
	}

}
