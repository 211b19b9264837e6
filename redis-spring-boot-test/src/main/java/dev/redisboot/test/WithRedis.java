package dev.redisboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Redis. The deployment is started before the first test; test
 * methods and lifecycle methods can take it as a parameter ({@link RedisDeployment} or its
 * concrete type); and a Spring test context ({@code @SpringBootTest}, {@code @DataRedisTest},
 * ...) of the class gets a {@code DataRedisConnectionDetails} bean, so Spring Boot connects
 * to it instead of {@code spring.data.redis.*}.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;WithRedis(RedisTopology.CLUSTER)
 * class OrderCacheIntegrationTests {
 *
 *     &#64;Test
 *     void cachesOrders(ClusterRedis cluster) { ... }
 *
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisExtension.class)
public @interface WithRedis {

	/**
	 * Shape of the deployment.
	 * @return the topology
	 */
	RedisTopology value() default RedisTopology.STANDALONE;

	/**
	 * Whether the class gets a deployment of its own, stopped after its last test, instead
	 * of the JVM-wide shared one. Use it when tests stop, kill or pause nodes or flush data.
	 * @return whether the deployment is the class's own
	 */
	boolean isolated() default false;

}
