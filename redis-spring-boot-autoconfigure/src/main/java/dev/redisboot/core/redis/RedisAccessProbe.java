package dev.redisboot.core.redis;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;

import dev.redisboot.core.RedisKeyNamer;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * Tests, with a handful of harmless commands, what the application's Redis user may do: reach
 * Redis at all ({@code PING}), use keys under the key prefix ({@code EXISTS} of a probe key),
 * use channels under the prefix ({@code PUBLISH} to a probe channel nobody listens to), and
 * read what monitoring reads ({@code INFO}, {@code SLOWLOG LEN}, {@code CONFIG GET}). It does
 * not need the {@code ACL} command, which managed services refuse as {@code @dangerous}: a
 * refused command answers {@code NOPERM}.
 */
public final class RedisAccessProbe {

	/**
	 * The commands monitoring uses that {@code -@dangerous} takes away, by the ACL rule that
	 * grants each.
	 */
	static final Map<String, Function<RedisClusterAsyncCommands<byte[], byte[]>, Future<Object>>> MONITORING;

	static {
		Map<String, Function<RedisClusterAsyncCommands<byte[], byte[]>, Future<Object>>> monitoring = new LinkedHashMap<>();
		monitoring.put("+info", (commands) -> cast(commands.info()));
		monitoring.put("+slowlog|get", (commands) -> cast(commands.slowlogLen()));
		monitoring.put("+config|get", (commands) -> cast(commands.configGet("maxmemory")));
		MONITORING = monitoring;
	}

	private final LettuceCommands commands;

	private final byte[] probe;

	/**
	 * Creates a probe.
	 * @param commands runs the commands
	 * @param keyNamer names the probe key and channel, under the key prefix
	 */
	public RedisAccessProbe(LettuceCommands commands, RedisKeyNamer keyNamer) {
		this(commands, keyNamer.key("redisboot", "access-probe"));
	}

	/**
	 * Creates a probe with a probe key and channel of the caller's choice, such as one under
	 * the key family a separate server holds.
	 * @param commands runs the commands
	 * @param probeName the probe key and channel
	 */
	public RedisAccessProbe(LettuceCommands commands, String probeName) {
		this.commands = commands;
		this.probe = probeName.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The probe key and channel's name.
	 * @return the name, such as {@code prod:redisboot:access-probe}
	 */
	public String probeName() {
		return new String(this.probe, StandardCharsets.UTF_8);
	}

	/**
	 * Probes.
	 * @param channels whether to test channel rights
	 * @return what the user may do
	 */
	public RedisAccess probe(boolean channels) {
		try {
			this.commands.execute(RedisClusterAsyncCommands::ping);
		}
		catch (RedisCommandException ex) {
			return new RedisAccess(RedisFailureCause.of(ex), null, null, Map.of());
		}
		String keys = refusal((commands) -> cast(commands.exists(this.probe)));
		String channelRefusal = channels ? refusal((commands) -> cast(commands.publish(this.probe, new byte[0])))
				: null;
		Map<String, String> monitoring = new LinkedHashMap<>();
		MONITORING.forEach((rule, command) -> {
			String refused = refusal(command);
			if (refused != null) {
				monitoring.put(rule, refused);
			}
		});
		return new RedisAccess(null, keys, channelRefusal, monitoring);
	}

	private @Nullable String refusal(Function<RedisClusterAsyncCommands<byte[], byte[]>, Future<Object>> command) {
		try {
			this.commands.execute(command);
			return null;
		}
		catch (RedisCommandException ex) {
			RedisFailureCause cause = RedisFailureCause.of(ex);
			if (cause.reason() == RedisFailureCause.Reason.NO_PERMISSION) {
				return cause.message();
			}
			throw ex;
		}
	}

	@SuppressWarnings("unchecked")
	private static Future<Object> cast(Future<?> future) {
		return (Future<Object>) future;
	}

	/**
	 * What the probe found.
	 *
	 * @param connectionFailure why Redis could not be reached or logged into, or
	 * {@code null}
	 * @param keysRefused Redis's answer to {@code EXISTS} on the probe key when refused, or
	 * {@code null}
	 * @param channelsRefused Redis's answer to {@code PUBLISH} on the probe channel when
	 * refused, or {@code null} (also when not tested)
	 * @param monitoringRefused Redis's answer by the ACL rule that would grant each refused
	 * monitoring command, such as {@code +info}
	 */
	public record RedisAccess(@Nullable RedisFailureCause connectionFailure, @Nullable String keysRefused,
			@Nullable String channelsRefused, Map<String, String> monitoringRefused) {

	}

}
