/**
 * Nightly housekeeping that runs on one instance, however many are up: a {@code @Scheduled}
 * method made once-across-instances with redisboot's {@code @ScheduledOnce}.
 */
@NullMarked
package dev.redisboot.sample.cleanup;

import org.jspecify.annotations.NullMarked;
