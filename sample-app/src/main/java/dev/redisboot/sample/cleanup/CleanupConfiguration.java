package dev.redisboot.sample.cleanup;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns Spring's {@code @Scheduled} on. Every instance schedules the jobs; redisboot's
 * {@code @ScheduledOnce} lets one of them run each fire time.
 *
 * @author redisboot
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class CleanupConfiguration {

}
