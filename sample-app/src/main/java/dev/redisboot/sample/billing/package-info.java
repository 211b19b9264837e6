/**
 * Usage invoices of the pro plan: a recurring job ({@code redisboot.jobs.schedules}) that
 * the instances enqueue once per fire time between them, run by a {@code @JobHandler} that
 * writes at most one invoice per user and period.
 */
@NullMarked
package dev.redisboot.sample.billing;

import org.jspecify.annotations.NullMarked;
