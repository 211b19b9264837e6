package dev.redisboot.actuate;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import dev.redisboot.core.KeyDigester;
import org.jspecify.annotations.Nullable;

/**
 * Turns key names into what the {@code redis} endpoint may show. A key name can hold a
 * secret (a session id, an API key, an e-mail address), in redisboot's keys and in other
 * applications' keys in the same Redis, so the endpoint shows only what it can attribute to a
 * non-secret name: for redisboot's key families the prefix, the feature and the name an
 * application chose in configuration or code (cache name, stream name), for every other key
 * its first segment (stream names only under a key prefix, cache names only when the
 * application has such a cache); the rest becomes {@code #} and a 12-character digest
 * ({@link KeyDigester}, keyed by {@code redisboot.key-digest-secret}), which tells keys apart
 * without revealing them:
 * <pre>
 * sample:cache:products:42              sample:cache:products:#Zk3...
 * sample:session:sessions:0b6f...       sample:session:#Qm1...
 * sample:rl:login:203.0.113.9           sample:rl:#d8X...
 * sample:stream:{orders}:dead           sample:stream:{orders}:dead
 * user:alice@example.com:profile        user:#p0L...
 * alice@example.com                     #Hq2...
 * </pre>
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public class KeyRedactor {

	private static final String DOMAIN = "endpoint-key";

	/** Features whose next segment is a name from configuration or code. */
	private static final Set<String> NAMED = Set.of("cache", "cache-lock");

	/** Features whose hash tag is a name from code, followed by fixed segments. */
	private static final Set<String> TAGGED = Set.of("stream", "jobs");

	/** Fixed segments after a stream's or job queue's tag. */
	private static final Set<String> FIXED = Set.of("delayed", "dead", "idempotency");

	/** Features whose other segments may identify people or secrets. */
	private static final Set<String> OPAQUE = Set.of("session", "rl", "redisboot");

	private final @Nullable String prefix;

	private final KeyDigester digester;

	private final Supplier<? extends Collection<String>> cacheNames;

	/**
	 * Creates a redactor.
	 * @param prefix redisboot's key prefix, or {@code null}
	 * @param digester digests what is hidden
	 * @param cacheNames the application's cache names, looked up on use: only these are
	 * shown after {@code cache:}
	 */
	public KeyRedactor(@Nullable String prefix, KeyDigester digester,
			Supplier<? extends Collection<String>> cacheNames) {
		this.prefix = prefix;
		this.digester = digester;
		this.cacheNames = cacheNames;
	}

	/**
	 * Redacts a key name.
	 * @param key the key
	 * @return what the endpoint may show
	 */
	public String key(String key) {
		String rest = key;
		StringBuilder shown = new StringBuilder();
		if (this.prefix != null && key.startsWith(this.prefix + ":")) {
			shown.append(this.prefix).append(':');
			rest = key.substring(this.prefix.length() + 1);
		}
		int colon = rest.indexOf(':');
		if (colon < 0) {
			return (shown.length() > 0 && OPAQUE.contains(rest)) ? key : shown + hidden(key);
		}
		String feature = rest.substring(0, colon);
		String after = rest.substring(colon + 1);
		boolean ours = this.prefix == null || shown.length() > 0;
		int next = after.indexOf(':');
		String name = (next < 0) ? after : after.substring(0, next);
		if (ours && NAMED.contains(feature) && this.cacheNames.get().contains(name)) {
			return shown + feature + ":" + name + ((next < 0) ? "" : ":" + hidden(key));
		}
		if (shown.length() > 0 && TAGGED.contains(feature) && after.startsWith("{") && after.indexOf('}') > 0) {
			int close = after.indexOf('}');
			String tail = after.substring(close + 1);
			String shownTail = tail.isEmpty() ? ""
					: (tail.startsWith(":") && FIXED.contains(firstSegment(tail.substring(1)))
							? ":" + firstSegment(tail.substring(1)) + (hasMore(tail.substring(1)) ? ":" + hidden(key) : "")
							: ":" + hidden(key));
			return shown + feature + ":" + after.substring(0, close + 1) + shownTail;
		}
		// the first segment of any key (a feature, an application's namespace) names no one
		return shown + feature + ":" + hidden(key);
	}

	/**
	 * Redacts the first argument of a slow log entry: a key for most commands, a subcommand
	 * name for commands such as {@code CONFIG GET}.
	 * @param command the command, upper case
	 * @param argument its first argument, or {@code null}
	 * @return what the endpoint may show, or {@code null}
	 */
	public @Nullable String firstArgument(String command, @Nullable String argument) {
		if (argument == null) {
			return null;
		}
		if (SUBCOMMANDS.contains(command) && argument.matches("[A-Za-z|-]{1,32}")) {
			return argument.toUpperCase(Locale.ROOT);
		}
		return key(argument);
	}

	/**
	 * Whether a big-key {@code MATCH} pattern reveals nothing that {@link #key(String)}
	 * hides. A pattern is an oracle: {@code prod:session:a*} finding keys says a session id
	 * starts with {@code a}. Allowed are only a literal followed by one trailing {@code *},
	 * where the literal is a part that {@link #key(String)} shows, such as
	 * {@code prod:cache:products:*} or {@code user:*}.
	 * @param pattern the pattern
	 * @return whether it may be used
	 */
	public boolean isAllowedPattern(String pattern) {
		if (!pattern.endsWith("*")) {
			return false;
		}
		String literal = pattern.substring(0, pattern.length() - 1);
		if (literal.isEmpty()) {
			return true;
		}
		if (literal.chars().anyMatch((c) -> c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')) {
			return false;
		}
		return key(literal + "x").startsWith(literal) && key(literal + "y").startsWith(literal)
				&& !key(literal + "x").equals(literal + "x");
	}

	private static final Set<String> SUBCOMMANDS = Set.of("CONFIG", "CLIENT", "CLUSTER", "COMMAND", "DEBUG",
			"FUNCTION", "LATENCY", "MEMORY", "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO",
			"ACL", "INFO");

	private String hidden(String key) {
		return "#" + this.digester.digest(DOMAIN, key).substring(0, 12);
	}

	private static String firstSegment(String text) {
		int colon = text.indexOf(':');
		return (colon < 0) ? text : text.substring(0, colon);
	}

	private static boolean hasMore(String text) {
		return text.indexOf(':') >= 0;
	}

}
