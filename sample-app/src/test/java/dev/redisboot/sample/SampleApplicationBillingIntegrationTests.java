package dev.redisboot.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.redisboot.sample.billing.UsageBilling;
import dev.redisboot.sample.billing.UsageInvoice;
import dev.redisboot.sample.billing.UsageInvoiceRepository;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.schedule.JobScheduler;
import dev.redisboot.schedule.ScheduleInfo;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The usage invoices of the pro plan: a recurring job of {@code application.yml}, enqueued
 * once per fire time across instances ({@code JobScheduler}), run by
 * {@link UsageBilling}, idempotent per user and period, and visible in
 * {@code /actuator/schedules} (read-only: no pause, resume or trigger over HTTP) and
 * {@code /actuator/prometheus}.
 */
@SampleApplicationTest
class SampleApplicationBillingIntegrationTests {

	@Autowired
	private JobScheduler scheduler;

	@Autowired
	private UsageBilling billing;

	@Autowired
	private UsageInvoiceRepository invoices;

	@LocalManagementPort
	private int managementPort;

	@Test
	void theScheduleFiresEveryMinuteAndATriggeredJobInvoicesEveryProUserOnce() {
		ScheduleInfo schedule = this.scheduler.schedule(UsageBilling.JOB_TYPE).orElseThrow();
		assertThat(schedule.expression()).isEqualTo("0 * * * * *");
		assertThat(schedule.nextFire()).isBetween(Instant.now(), Instant.now().plus(Duration.ofSeconds(61)));
		List<Long> pro = this.invoices.findUserIdsByPlan(Plan.PRO);
		assertThat(pro).isNotEmpty();
		String jobId = this.scheduler.trigger(UsageBilling.JOB_TYPE).orElseThrow();
		assertThat(this.scheduler.schedule(UsageBilling.JOB_TYPE).orElseThrow().lastJobId()).isEqualTo(jobId);
		// the job invoices the minute before it runs; the schedule's own job may have done it first
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			for (Long userId : pro) {
				assertThat(this.invoices.findByUserId(userId)).isNotEmpty()
					.allSatisfy((invoice) -> assertThat(invoice.getAmount()).isEqualByComparingTo("49.00"));
			}
		});
	}

	@Test
	void anInvoiceIsWrittenOncePerUserAndPeriodHoweverOftenItsJobRuns() {
		List<Long> pro = this.invoices.findUserIdsByPlan(Plan.PRO);
		String period = "test-period-" + System.nanoTime();
		assertThat(this.billing.invoice(Plan.PRO, period, "job-1")).isEqualTo(pro.size());
		assertThat(this.billing.invoice(Plan.PRO, period, "job-2")).as("a second run writes nothing").isZero();
		for (Long userId : pro) {
			assertThat(this.invoices.findByUserId(userId).stream().filter((i) -> i.getPeriod().equals(period)))
				.singleElement()
				.extracting(UsageInvoice::getJobId)
				.isEqualTo("job-1");
		}
	}

	@Test
	void theSchedulesEndpointIsReadOnlyAndTheMetersAreExported() {
		ActuatorClient actuator = ActuatorClient.on(this.managementPort);
		assertThat(actuator.get("/actuator/schedules")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[0].name")
			.isEqualTo(UsageBilling.JOB_TYPE);
		assertThat(actuator.get("/actuator/schedules/" + UsageBilling.JOB_TYPE)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.missedFires")
			.isEqualTo("RUN_ONCE");
		assertThat(actuator.post("/actuator/schedules/" + UsageBilling.JOB_TYPE, "{\"action\": \"pause\"}"))
			.as("access: read-only maps no write operation")
			.hasStatus4xxClientError();
		assertThat(this.scheduler.schedule(UsageBilling.JOB_TYPE).orElseThrow().paused()).isFalse();
		assertThat(actuator.get("/actuator/prometheus")).hasStatusOk()
			.bodyText()
			.containsPattern("(?m)^redisboot_schedule_fires_total\\{.*result=\"enqueued\".*schedule=\"usage-invoices\".*\\} \\S+$")
			.containsPattern("(?m)^redisboot_schedule_lateness_seconds_max\\{.*schedule=\"usage-invoices\".*\\} \\S+$")
			.containsPattern("(?m)^redisboot_schedule_paused\\{.*schedule=\"usage-invoices\".*\\} 0\\.0$");
	}

}
