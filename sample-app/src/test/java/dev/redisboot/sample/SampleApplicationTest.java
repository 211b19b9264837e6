package dev.redisboot.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.WithRedis;

import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * The whole {@link SampleApplication} on a random port, with the H2 database and a real
 * Redis from the test harness; the repositories are Mockito spies, so that tests can tell
 * whether a request reached the database or was served from the cache.
 * <p>
 * Every test class uses this one annotation, so that they all share one application
 * context: one H2 database and one set of keys in the shared Redis. (Two contexts would
 * each have their own database, with the same ids, but would share the cached entries.)
 * <p>
 * The rate limits are raised out of the way (profile {@code relaxed-rate-limits}): these
 * tests send many requests from one address. {@code SampleApplicationRateLimitIntegrationTests}
 * checks the limits of {@code application.yml}, in a context of its own with a key prefix of
 * its own.
 *
 * @author redisboot
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@WithRedis
@ActiveProfiles("relaxed-rate-limits")
@MockitoSpyBean(types = { ProductRepository.class, UserRepository.class })
@interface SampleApplicationTest {

}
