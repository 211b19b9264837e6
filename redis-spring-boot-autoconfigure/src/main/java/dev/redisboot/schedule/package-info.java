/**
 * Recurring jobs: cron and fixed-rate schedules that enqueue a job through the
 * {@code JobQueue} once per fire time across all instances.
 * <p>
 * API: {@link dev.redisboot.schedule.JobScheduler} (inject it: next fire times, last fires,
 * pause, resume, trigger), {@link dev.redisboot.schedule.RecurringJob},
 * {@link dev.redisboot.schedule.FireTimes} and {@link dev.redisboot.schedule.MissedFires}
 * to declare schedules in code, {@link dev.redisboot.schedule.ScheduleInfo} (what a query
 * returns) and {@link dev.redisboot.schedule.ScheduleMetrics} to replace the metrics.
 * {@code MicrometerScheduleMetrics} and {@code SchedulesEndpoint} are public for the
 * auto-configuration only. Everything else is package-private. The Lua scripts sit beside
 * the classes in {@code src/main/resources}.
 * <p>
 * This is the one feature built on another one's API: it enqueues through
 * {@code dev.redisboot.stream.JobQueue}, and nothing else of the stream package
 * ({@code ArchitectureTests} allows exactly that).
 */
@NullMarked
package dev.redisboot.schedule;

import org.jspecify.annotations.NullMarked;
