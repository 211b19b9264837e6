package dev.redisboot.sample.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application on Spring WebFlux (Reactor Netty, no servlet stack): the servlet
 * sample's features as far as WebFlux supports them, on the same starter. A product catalog
 * cached with {@code @Cacheable} methods returning {@code Mono}, rate limits from
 * {@code application.yml} with plans, sign-in with Redis sessions and sign out everywhere,
 * notifications through pub/sub streamed as server-sent events, sign-up with the welcome mail as
 * a background job, and Actuator's health, metrics and redisboot endpoints.
 * <p>
 * Its stores are in memory and reactive (no JDBC, which would block an event loop); calls to
 * redisboot APIs that block (publishing, enqueuing a job, signing out everywhere) run on
 * Reactor's bounded elastic scheduler, never on an event loop.
 *
 * @author redisboot
 */
@SpringBootApplication
public class WebfluxSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(WebfluxSampleApplication.class, args);
	}

}
