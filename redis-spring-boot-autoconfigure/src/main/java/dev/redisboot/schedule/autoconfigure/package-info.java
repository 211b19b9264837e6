/**
 * Auto-configuration of recurring jobs: the schedules of {@code redisboot.jobs.schedules.*}
 * and of {@code @JobHandler(cron = ..., fixedRate = ...)}, validated in
 * {@code ScheduleSettingsResolver}, the {@code schedules} endpoint, the
 * {@code redisboot.schedule.*} metrics, and the native-image hints for the state scripts.
 */
@NullMarked
package dev.redisboot.schedule.autoconfigure;

import org.jspecify.annotations.NullMarked;
