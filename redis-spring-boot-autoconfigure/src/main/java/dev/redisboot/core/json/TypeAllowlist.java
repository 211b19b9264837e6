package dev.redisboot.core.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Types that may be named in JSON read back from Redis: the configured application packages
 * and a fixed set of safe JDK value and collection types. Anything else — including the
 * well-known deserialization gadgets of the JDK, Spring and common libraries — is refused,
 * because a value in Redis is not trusted input: whoever can write to Redis must not be able
 * to make the application instantiate arbitrary classes.
 */
public final class TypeAllowlist {

	private static final Set<String> SAFE_JDK_TYPES = Set.of("java.lang.String", "java.lang.Boolean",
			"java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
			"java.lang.Double", "java.lang.Character", "java.math.BigDecimal", "java.math.BigInteger",
			"java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.net.URI",
			"java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
			"java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
			"java.util.Arrays$ArrayList", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong",
			"java.util.OptionalDouble");

	private static final List<String> SAFE_JDK_PREFIXES = List.of("java.time.", "java.util.ImmutableCollections$",
			"java.util.Collections$Unmodifiable", "java.util.Collections$Empty", "java.util.Collections$Singleton",
			"java.util.Collections$Synchronized");

	// Packages too broad to allow: each holds classes that are deserialization gadgets.
	private static final Set<String> TOO_BROAD = Set.of("org.springframework", "org.apache", "com.fasterxml",
			"tools.jackson", "io.netty", "io.lettuce", "org.hibernate", "ch.qos", "org.slf4j", "org.codehaus",
			"com.mchange", "org.jboss", "org.eclipse", "com.google", "org.yaml", "groovy", "org.mozilla");

	private static final List<String> JDK_ROOTS = List.of("java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.");

	private final List<String> packagePrefixes;

	private TypeAllowlist(List<String> packagePrefixes) {
		this.packagePrefixes = packagePrefixes;
	}

	/**
	 * Creates an allowlist of the given packages (each with its sub-packages) and the safe JDK
	 * types.
	 * @param packages package names such as {@code com.example.shop}
	 * @return the allowlist
	 * @throws IllegalArgumentException if a package name is blank or would allow every
	 * type
	 */
	public static TypeAllowlist of(Collection<String> packages) {
		List<String> prefixes = new ArrayList<>();
		for (String name : packages) {
			String trimmed = (name != null) ? name.trim() : "";
			while (trimmed.endsWith(".") || trimmed.endsWith("*")) {
				trimmed = trimmed.substring(0, trimmed.length() - 1);
			}
			if (trimmed.isEmpty()) {
				throw new IllegalArgumentException("Allowed package '" + name + "' would allow every type");
			}
			String prefix = trimmed + ".";
			if (trimmed.indexOf('.') < 0 || TOO_BROAD.contains(trimmed) || JDK_ROOTS.stream().anyMatch(prefix::startsWith)) {
				throw new IllegalArgumentException("Allowed package '" + trimmed + "' is too broad: it holds classes "
						+ "that must never be created from data in Redis; name the application's own packages");
			}
			prefixes.add(prefix);
		}
		return new TypeAllowlist(List.copyOf(prefixes));
	}

	/**
	 * Packages whose types are allowed, each ending with a dot.
	 * @return the package prefixes
	 */
	public List<String> packagePrefixes() {
		return this.packagePrefixes;
	}

	/**
	 * Whether a class may be read back.
	 * @param className the binary class name, as in JSON type ids; array names such as
	 * {@code [Lcom.example.Item;} are checked by their element type
	 * @return whether the type is allowed
	 */
	public boolean isAllowed(@Nullable String className) {
		if (className == null || className.isEmpty()) {
			return false;
		}
		String name = elementName(className);
		if (name == null) {
			return false;
		}
		if (name.length() == 1) {
			return true; // primitive array element such as [I
		}
		if (SAFE_JDK_TYPES.contains(name)) {
			return true;
		}
		for (String prefix : SAFE_JDK_PREFIXES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		for (String prefix : this.packagePrefixes) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a class may be read back.
	 * @param type the class
	 * @return whether the type is allowed
	 */
	public boolean isAllowed(Class<?> type) {
		Class<?> element = type;
		while (element.isArray()) {
			element = element.getComponentType();
		}
		return element.isPrimitive() || isAllowed(element.getName());
	}

	private static @Nullable String elementName(String className) {
		String name = className;
		while (name.startsWith("[")) {
			name = name.substring(1);
		}
		if (name.startsWith("L") && name.endsWith(";") && className.startsWith("[")) {
			return name.substring(1, name.length() - 1);
		}
		if (className.startsWith("[")) {
			return (name.length() == 1) ? name : null;
		}
		return name;
	}

	/**
	 * A Jackson validator that allows exactly the types of this allowlist as polymorphic
	 * subtypes.
	 * @return the validator
	 */
	public PolymorphicTypeValidator toTypeValidator() {
		return new AllowlistTypeValidator(this, null);
	}

	/**
	 * A Jackson validator that allows the types of this allowlist and asks another validator
	 * about the rest, for example one that allows Spring Security's own types.
	 * @param alsoAllowed the other validator, or {@code null} to deny the rest
	 * @return the validator
	 */
	public PolymorphicTypeValidator toTypeValidator(@Nullable PolymorphicTypeValidator alsoAllowed) {
		return new AllowlistTypeValidator(this, alsoAllowed);
	}

	@Override
	public String toString() {
		return "TypeAllowlist" + this.packagePrefixes;
	}

	private static final class AllowlistTypeValidator extends PolymorphicTypeValidator.Base {

		private static final long serialVersionUID = 1L;

		private final TypeAllowlist allowlist;

		private final @Nullable PolymorphicTypeValidator alsoAllowed;

		AllowlistTypeValidator(TypeAllowlist allowlist, @Nullable PolymorphicTypeValidator alsoAllowed) {
			this.allowlist = allowlist;
			this.alsoAllowed = alsoAllowed;
		}

		@Override
		public Validity validateBaseType(DatabindContext context, JavaType baseType) {
			return (this.alsoAllowed != null) ? this.alsoAllowed.validateBaseType(context, baseType)
					: Validity.INDETERMINATE;
		}

		@Override
		public Validity validateSubClassName(DatabindContext context, JavaType baseType, String subClassName) {
			if (this.allowlist.isAllowed(subClassName)) {
				return Validity.ALLOWED;
			}
			return (this.alsoAllowed != null) ? this.alsoAllowed.validateSubClassName(context, baseType, subClassName)
					: Validity.DENIED;
		}

		@Override
		public Validity validateSubType(DatabindContext context, JavaType baseType, JavaType subType) {
			if (this.allowlist.isAllowed(subType.getRawClass())) {
				return Validity.ALLOWED;
			}
			return (this.alsoAllowed != null) ? this.alsoAllowed.validateSubType(context, baseType, subType)
					: Validity.DENIED;
		}

	}

}
