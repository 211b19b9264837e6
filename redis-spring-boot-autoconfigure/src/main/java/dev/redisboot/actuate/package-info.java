/**
 * Operating Redis from the application: a health indicator with the server's details,
 * server metrics read from {@code INFO}, Lettuce command latency timers, the
 * {@code redis} Actuator endpoint with advice, big keys and the slow log, and the
 * {@code console} endpoint, an operator's page over the other endpoints.
 * <p>
 * The package is named {@code actuate}, as Spring Boot names its Actuator module
 * ({@code org.springframework.boot.actuate}), because everything here plugs into Actuator:
 * health, metrics, endpoints. Its properties are {@code redisboot.observability.*}
 * ({@code RedisbootObservabilityProperties}) because they describe what an operator gets
 * (observability), not the mechanism: an application without Actuator's endpoints still gets
 * the meters.
 * <p>
 * API: the read model of the servers ({@link dev.redisboot.actuate.RedisServerSnapshots}, a
 * bean, with {@link dev.redisboot.actuate.RedisServerSnapshot},
 * {@link dev.redisboot.actuate.RedisNodeInfo} and {@link dev.redisboot.actuate.RedisMode}),
 * what the endpoint shows ({@link dev.redisboot.actuate.RedisAdvice},
 * {@link dev.redisboot.actuate.SlowlogEntry}, {@link dev.redisboot.actuate.BigKeys}), the
 * beans an application may replace or use ({@link dev.redisboot.actuate.RedisEndpoint},
 * {@link dev.redisboot.actuate.RedisEndpointWebExtension},
 * {@link dev.redisboot.actuate.RedisServerHealthIndicator} with its {@code WARNING} status,
 * {@link dev.redisboot.actuate.RedisServerMetrics}, {@link dev.redisboot.actuate.ConsoleEndpoint}) and
 * {@link dev.redisboot.actuate.CommandLatencyTimers}. {@code RedisServerInspector},
 * {@code RedisAdvisor} and {@code KeyRedactor} are public for the auto-configuration only;
 * the node access ({@code RedisNodes}), the big-key sampling ({@code BigKeySampler}) and the
 * node descriptions are package-private.
 */
@NullMarked
package dev.redisboot.actuate;

import org.jspecify.annotations.NullMarked;
