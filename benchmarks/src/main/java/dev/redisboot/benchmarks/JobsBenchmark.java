package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.models.stream.PendingMessages;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jobs through one Redis Streams consumer group of {@value #CONSUMERS} consumers: redisboot's
 * {@link JobQueue} and {@code @JobHandler} against the same thing written by hand with raw
 * Lettuce, each against a redis-server of its own (one per JMH trial).
 * <ul>
 * <li><b>redisboot</b> ({@link RedisbootJobs}): a non-web Boot application with redisboot's
 * stream auto-configuration and one {@code @JobHandler("bench")} bean,
 * {@code redisboot.jobs.concurrency=4}, every other setting at its default (batch size 10,
 * block 2 s, max length 100,000, status tracking on). A job is enqueued with
 * {@link JobQueue#enqueue} (the {@code ENQUEUE} script on Boot's shared connection: the job's
 * status record and {@code XADD MAXLEN ~ 100000}); each of the 4 consumers reads with
 * {@code XREADGROUP BLOCK 2000 COUNT 10} on a connection of its own, marks each job running
 * with the {@code JOB_START} script and, after the handler returned, acknowledges it with the
 * {@code JOB_COMPLETE} script ({@code XACK} and the final status) on the application's shared
 * connection. {@link #main(String[])} also counts {@code redisboot.jobs.status-tracking=false},
 * where the enqueue is a plain {@code XADD} and the acknowledgement a plain {@code XACK}.</li>
 * <li><b>raw</b> ({@link RawJobs}): one Lettuce {@link RedisClient}; a producer connection
 * doing {@code XADD stream:{jobs} MAXLEN ~ 100000 * payload <json>}; 4 consumer threads, each
 * with a connection of its own, doing {@code XREADGROUP GROUP jobs <name> COUNT 10 BLOCK 2000
 * STREAMS stream:{jobs} >} and one {@code XACK} per entry after handling it: the same shape as
 * redisboot, without its framework (no script, no job id or type field, no dispatch by type,
 * no retries).</li>
 * </ul>
 * Both write and read the same payload, a {@link BenchJob} with a sequence number, the
 * {@link System#nanoTime()} taken just before it was enqueued and {@value #DATA_LENGTH}
 * characters of data (about 250 bytes of JSON), with Jackson; both handlers hand it to the same
 * bookkeeping ({@link Jobs#handle}), which counts each job's deliveries and records the
 * latency from enqueue to the start of the handler.
 * <p>
 * Scenarios, each for both:
 * <ul>
 * <li>{@code *Pipeline} (jobs/s): one producer thread enqueues {@value #JOBS} jobs one after
 * the other (each call waits for Redis's reply) while the consumers run them; one operation is
 * one job, the invocation ends when all of them have been handled.</li>
 * <li>{@code *Drain} (jobs/s): the consumers' capacity alone. Before each invocation (not
 * timed), {@value #JOBS} jobs are enqueued while the handlers are held at a gate (each
 * consumer holds the first job of the batch it read, at most 10, the rest wait in the
 * stream); the invocation opens the gate and waits until all have been handled.</li>
 * <li>{@code *Latency} (sample time, µs): one job at a time: enqueue, then wait until the
 * handler has seen it; JMH's sample is the whole cycle, including the hand-off back to the
 * benchmark thread. The handler-side latency (enqueue started to handler called) of every job
 * of the measured iterations, and the time of the enqueue call alone (until Redis's reply is
 * back on the producer thread), are printed at the end of the trial.</li>
 * <li>{@code *EnqueueToHandler} (sample time, µs): the same cycle on as many producer threads
 * as JMH runs ({@code -t 1}, {@code 16}, {@code 64}), each waiting for its own job's handler
 * ({@link Jobs#concurrentJob()}); the 4 consumers serve them all.</li>
 * </ul>
 * Redis commands per job are counted from {@code INFO commandstats} deltas by
 * {@link #main(String[])} and checked by {@code JobsBenchmarkTests}.
 */
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(1)
public class JobsBenchmark {

	/**
	 * Jobs per invocation of the pipeline and drain scenarios.
	 */
	static final int JOBS = 10_000;

	/**
	 * Consumers in the group: {@code redisboot.jobs.concurrency}, and the raw consumer threads.
	 */
	static final int CONSUMERS = 4;

	/**
	 * Entries one read returns at most: redisboot's default {@code redisboot.stream.batch-size}.
	 */
	static final int BATCH_SIZE = 10;

	/**
	 * How long a read waits: redisboot's default {@code redisboot.stream.block}.
	 */
	static final Duration BLOCK = Duration.ofSeconds(2);

	/**
	 * Approximate trim length: redisboot's default {@code redisboot.stream.max-length}.
	 */
	static final long MAX_LENGTH = 100_000;

	/**
	 * Characters of data in each payload.
	 */
	static final int DATA_LENGTH = 200;

	static final String JOB_TYPE = "bench";

	/**
	 * The raw path's stream and group: the names redisboot uses for jobs without a prefix.
	 */
	static final String RAW_STREAM_KEY = "stream:{jobs}";

	static final String RAW_GROUP = "jobs";

	/**
	 * Pipeline through redisboot: {@link JobQueue#enqueue} on one thread, {@code @JobHandler}
	 * consumers.
	 * @param jobs the redisboot application
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(JOBS)
	public void redisbootPipeline(RedisbootJobs jobs) throws InterruptedException {
		jobs.pipeline(JOBS);
	}

	/**
	 * Pipeline through raw Lettuce: {@code XADD} on one thread, 4 consumer threads.
	 * @param jobs the raw producer and consumers
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(JOBS)
	public void rawPipeline(RawJobs jobs) throws InterruptedException {
		jobs.pipeline(JOBS);
	}

	/**
	 * A backlog of {@value #JOBS} jobs drained by redisboot's consumers.
	 * @param backlog the backlog, enqueued before the invocation
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(JOBS)
	public void redisbootDrain(RedisbootBacklog backlog) throws InterruptedException {
		backlog.jobs.drain();
	}

	/**
	 * A backlog of {@value #JOBS} jobs drained by the raw consumers.
	 * @param backlog the backlog, enqueued before the invocation
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@OperationsPerInvocation(JOBS)
	public void rawDrain(RawBacklog backlog) throws InterruptedException {
		backlog.jobs.drain();
	}

	/**
	 * One job through redisboot, from enqueue until the handler has seen it.
	 * @param jobs the redisboot application
	 * @return the job's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public long redisbootLatency(RedisbootJobs jobs) throws InterruptedException {
		return jobs.oneJob();
	}

	/**
	 * One job through raw Lettuce, from {@code XADD} until the handler has seen it.
	 * @param jobs the raw producer and consumers
	 * @return the job's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public long rawLatency(RawJobs jobs) throws InterruptedException {
		return jobs.oneJob();
	}

	/**
	 * One job through redisboot, from enqueue until the handler has seen it, on as many
	 * producer threads as JMH runs ({@code -t}), all on the application's one {@link JobQueue}.
	 * @param jobs the redisboot application
	 * @return the job's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public long redisbootEnqueueToHandler(RedisbootJobs jobs) throws InterruptedException {
		return jobs.concurrentJob();
	}

	/**
	 * One job through raw Lettuce, from {@code XADD} until the handler has seen it, on as many
	 * producer threads as JMH runs, all on the one producer connection.
	 * @param jobs the raw producer and consumers
	 * @return the job's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public long rawEnqueueToHandler(RawJobs jobs) throws InterruptedException {
		return jobs.concurrentJob();
	}

	/**
	 * Counts Redis commands per job, from {@code INFO commandstats} deltas, for each path and
	 * scenario, and prints them as table rows:
	 * <pre>
	 * java -cp benchmarks.jar dev.redisboot.benchmarks.JobsBenchmark
	 * </pre>
	 * @param args ignored
	 * @throws InterruptedException if interrupted
	 */
	public static void main(String[] args) throws InterruptedException {
		int jobs = JOBS;
		System.out.println("| path | scenario | jobs | calls per job (Redis CPU µs per call), INFO commandstats "
				+ "| client round trips per job | Redis CPU µs per job |");
		System.out.println("| --- | --- | ---: | --- | ---: | ---: |");
		for (Jobs path : new Jobs[] { new RedisbootJobs(), new RedisbootJobs(false), new RawJobs() }) {
			path.start();
			try {
				print(path.name(), "pipeline", path.countPipeline(jobs));
				print(path.name(), "drain", path.countDrain(jobs));
				print(path.name(), "one at a time", path.countOneAtATime(jobs / 10));
				for (int threads : new int[] { 16, 64 }) {
					print(path.name(), threads + " producer threads", path.countConcurrent(threads, jobs / threads));
				}
			}
			finally {
				path.stop();
			}
		}
	}

	private static void print(String path, String scenario, CommandCounts counts) {
		StringBuilder commands = new StringBuilder();
		counts.calls().forEach((command, calls) -> {
			if (commands.length() > 0) {
				commands.append(", ");
			}
			commands.append(String.format("%s %.3f (%.1f µs)", command.toUpperCase(java.util.Locale.ROOT),
					(double) calls / counts.jobs(), (double) counts.micros().get(command) / calls));
		});
		System.out.printf("| %s | %s | %,d | %s | %.3f | %.1f |%n", path, scenario, counts.jobs(), commands,
				counts.roundTripsPerJob(), counts.redisMicrosPerJob());
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A job's payload.
	 *
	 * @param seq its sequence number, unique in a trial
	 * @param enqueuedAt {@link System#nanoTime()} just before it was enqueued
	 * @param data filler, {@value #DATA_LENGTH} characters
	 */
	public record BenchJob(long seq, long enqueuedAt, String data) {
	}

	/**
	 * The jobs of one invocation: consecutive sequence numbers, each job's deliveries, and a
	 * latch that reaches zero when each has been delivered once.
	 */
	static final class Batch {

		final long firstSeq;

		final int size;

		final boolean recordLatency;

		final AtomicIntegerArray deliveries;

		final CountDownLatch done;

		Batch(long firstSeq, int size, boolean recordLatency) {
			this.firstSeq = firstSeq;
			this.size = size;
			this.recordLatency = recordLatency;
			this.deliveries = new AtomicIntegerArray(size);
			this.done = new CountDownLatch(size);
		}

		/**
		 * How often each job of the batch was delivered.
		 * @return the counts, by position in the batch
		 */
		int[] deliveryCounts() {
			int[] counts = new int[this.size];
			for (int i = 0; i < this.size; i++) {
				counts[i] = this.deliveries.get(i);
			}
			return counts;
		}

	}

	/**
	 * Commands Redis ran between two {@code INFO commandstats} (the {@code INFO} itself left
	 * out), while a number of jobs went through.
	 *
	 * @param jobs how many jobs went through
	 * @param calls calls by command, lower case
	 * @param micros Redis's CPU time by command, µs
	 * @param scriptCalls calls made by scripts rather than clients (counted in
	 * {@code commandstats} too), by command
	 */
	record CommandCounts(int jobs, Map<String, Long> calls, Map<String, Long> micros, Map<String, Long> scriptCalls) {

		double perJob(String command) {
			return (double) this.calls.getOrDefault(command, 0L) / this.jobs;
		}

		/**
		 * Commands sent by clients (each a round trip) per job: all calls but those that
		 * scripts made.
		 * @return round trips per job
		 */
		double roundTripsPerJob() {
			long total = this.calls.values().stream().mapToLong(Long::longValue).sum();
			long scripts = this.scriptCalls.values().stream().mapToLong(Long::longValue).sum();
			return (double) (total - scripts) / this.jobs;
		}

		/**
		 * Redis's CPU time per job, µs (a script's time includes the commands it calls, which
		 * {@code commandstats} also counts on their own: those are not added twice).
		 * @return µs per job
		 */
		double redisMicrosPerJob() {
			long total = 0;
			for (Map.Entry<String, Long> entry : this.micros.entrySet()) {
				if (!this.scriptCalls.containsKey(entry.getKey())) {
					total += entry.getValue();
				}
			}
			return (double) total / this.jobs;
		}

	}

	/**
	 * What both paths share: the bookkeeping of handled jobs, the scenarios and the command
	 * counts. Subclasses start a Redis, enqueue and run consumers that call {@link #handle}.
	 */
	public abstract static class Jobs {

		BenchmarkRedis redis;

		private final String data = "x".repeat(DATA_LENGTH);

		private final AtomicLong nextSeq = new AtomicLong(1);

		private volatile Batch batch = new Batch(0, 0, false);

		private volatile CountDownLatch gate;

		private Batch backlog;

		private final AtomicLong strays = new AtomicLong();

		private final AtomicLong duplicates = new AtomicLong();

		private final Map<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();

		private final AtomicReference<Throwable> consumerFailure = new AtomicReference<>();

		private boolean measuring;

		private long[] latencies = new long[1 << 16];

		private int latencyCount;

		private long[] enqueueTimes = new long[1 << 16];

		private int enqueueTimeCount;

		/**
		 * The path's name in reports.
		 * @return the name
		 */
		abstract String name();

		/**
		 * Starts Redis and the path's producer and consumers, and runs a few jobs through.
		 */
		abstract void start();

		// JMH runs these fixtures of the subclasses' @State from here
		@Setup(Level.Iteration)
		public void iteration(IterationParams iteration) {
			startIteration(iteration);
		}

		@TearDown(Level.Iteration)
		public void check() {
			verify();
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			stop();
		}

		/**
		 * Stops the consumers and Redis.
		 */
		abstract void stop();

		/**
		 * Enqueues one job, returning once Redis has it.
		 * @param job the job
		 */
		abstract void enqueue(BenchJob job);

		/**
		 * The stream's key.
		 * @return the key
		 */
		abstract String streamKey();

		/**
		 * The consumer group.
		 * @return the group
		 */
		abstract String group();

		/**
		 * Commands that this path's scripts call (counted in {@code commandstats} although no
		 * client sent them).
		 * @param calls the calls counted
		 * @return calls made by scripts, by command
		 */
		abstract Map<String, Long> scriptCalls(Map<String, Long> calls);

		/**
		 * Called by every consumer for every job it is handed, before it acknowledges it.
		 * @param job the job
		 * @throws InterruptedException if interrupted at the gate
		 */
		final void handle(BenchJob job) throws InterruptedException {
			long latency = System.nanoTime() - job.enqueuedAt();
			CountDownLatch gate = this.gate;
			if (gate != null) {
				gate.await();
			}
			CountDownLatch waiter = this.waiting.remove(job.seq());
			if (waiter != null) {
				waiter.countDown();
				return;
			}
			Batch batch = this.batch;
			long index = job.seq() - batch.firstSeq;
			if (index < 0 || index >= batch.size) {
				this.strays.incrementAndGet();
				return;
			}
			if (batch.deliveries.getAndIncrement((int) index) != 0) {
				this.duplicates.incrementAndGet();
				return;
			}
			if (batch.recordLatency) {
				record(latency);
			}
			batch.done.countDown();
		}

		/**
		 * Records a consumer's failure (the raw consumers; redisboot logs its own).
		 * @param ex the failure
		 */
		final void consumerFailed(Throwable ex) {
			this.consumerFailure.compareAndSet(null, ex);
		}

		/**
		 * Enqueues jobs on this thread, one after the other, and waits until all have been
		 * handled.
		 * @param jobs how many
		 * @return the batch
		 * @throws InterruptedException if interrupted
		 */
		final Batch pipeline(int jobs) throws InterruptedException {
			Batch batch = newBatch(jobs, false);
			for (int i = 0; i < jobs; i++) {
				enqueue(new BenchJob(batch.firstSeq + i, System.nanoTime(), this.data));
			}
			await(batch);
			return batch;
		}

		/**
		 * Closes the gate in front of the handlers and enqueues a backlog.
		 * @param jobs how many
		 */
		final void fillBacklog(int jobs) {
			this.gate = new CountDownLatch(1);
			Batch batch = newBatch(jobs, false);
			for (int i = 0; i < jobs; i++) {
				enqueue(new BenchJob(batch.firstSeq + i, System.nanoTime(), this.data));
			}
			this.backlog = batch;
		}

		/**
		 * Opens the gate and waits until the backlog has been handled.
		 * @return the batch
		 * @throws InterruptedException if interrupted
		 */
		final Batch drain() throws InterruptedException {
			CountDownLatch gate = this.gate;
			Batch backlog = this.backlog;
			if (gate == null || backlog == null) {
				throw new IllegalStateException("No backlog to drain");
			}
			this.gate = null;
			this.backlog = null;
			gate.countDown();
			await(backlog);
			return backlog;
		}

		/**
		 * Enqueues one job and waits until its handler has seen it.
		 * @return its sequence number
		 * @throws InterruptedException if interrupted
		 */
		final long oneJob() throws InterruptedException {
			Batch batch = newBatch(1, this.measuring);
			long start = System.nanoTime();
			enqueue(new BenchJob(batch.firstSeq, start, this.data));
			long enqueued = System.nanoTime();
			await(batch);
			if (batch.recordLatency) {
				recordEnqueue(enqueued - start);
			}
			return batch.firstSeq;
		}

		/**
		 * Enqueues one job and waits until its handler has seen it; safe to call from many
		 * threads at once (a second delivery of such a job counts as a stray).
		 * @return its sequence number
		 * @throws InterruptedException if interrupted
		 */
		final long concurrentJob() throws InterruptedException {
			long seq = this.nextSeq.getAndIncrement();
			CountDownLatch handled = new CountDownLatch(1);
			this.waiting.put(seq, handled);
			enqueue(new BenchJob(seq, System.nanoTime(), this.data));
			if (!handled.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException(name() + ": job " + seq + " was not handled within 60 s",
						this.consumerFailure.get());
			}
			return seq;
		}

		/**
		 * Counts the commands of jobs enqueued by several threads at once, each waiting for
		 * its job's handler before the next.
		 * @param threads producer threads
		 * @param jobsPerThread jobs each enqueues
		 * @return the counts
		 * @throws InterruptedException if interrupted
		 */
		final CommandCounts countConcurrent(int threads, int jobsPerThread) throws InterruptedException {
			return count(threads * jobsPerThread, () -> concurrently(threads, jobsPerThread));
		}

		/**
		 * Runs jobs on several producer threads at once (see {@link #concurrentJob()}).
		 * @param threads producer threads
		 * @param jobsPerThread jobs each enqueues
		 * @throws InterruptedException if interrupted
		 */
		final void concurrently(int threads, int jobsPerThread) throws InterruptedException {
			ExecutorService producers = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					done.add(producers.submit(() -> {
						for (int i = 0; i < jobsPerThread; i++) {
							concurrentJob();
						}
						return null;
					}));
				}
				for (Future<?> future : done) {
					future.get(120, TimeUnit.SECONDS);
				}
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException(name() + ": a producer failed", ex);
			}
			finally {
				producers.shutdownNow();
			}
		}

		private Batch newBatch(int jobs, boolean recordLatency) {
			Batch batch = new Batch(this.nextSeq.getAndAdd(jobs), jobs, recordLatency);
			this.batch = batch;
			return batch;
		}

		private void await(Batch batch) throws InterruptedException {
			if (!batch.done.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException(name() + ": only " + (batch.size - batch.done.getCount()) + " of "
						+ batch.size + " jobs were handled within 60 s", this.consumerFailure.get());
			}
		}

		private synchronized void record(long latency) {
			if (this.latencyCount == this.latencies.length) {
				this.latencies = Arrays.copyOf(this.latencies, this.latencyCount * 2);
			}
			this.latencies[this.latencyCount++] = latency;
		}

		private synchronized void recordEnqueue(long time) {
			if (this.enqueueTimeCount == this.enqueueTimes.length) {
				this.enqueueTimes = Arrays.copyOf(this.enqueueTimes, this.enqueueTimeCount * 2);
			}
			this.enqueueTimes[this.enqueueTimeCount++] = time;
		}

		/**
		 * Handler-side latencies (enqueue started to handler called) of the jobs run one at a
		 * time while measuring, sorted.
		 * @return nanoseconds
		 */
		final synchronized long[] latencies() {
			long[] sorted = Arrays.copyOf(this.latencies, this.latencyCount);
			Arrays.sort(sorted);
			return sorted;
		}

		/**
		 * How long the enqueue call took (until Redis's reply was back on the producer thread)
		 * for the same jobs, sorted.
		 * @return nanoseconds
		 */
		final synchronized long[] enqueueTimes() {
			long[] sorted = Arrays.copyOf(this.enqueueTimes, this.enqueueTimeCount);
			Arrays.sort(sorted);
			return sorted;
		}

		/**
		 * Records the latencies of the following jobs (for the smoke test).
		 */
		final void measureFromNowOn() {
			this.measuring = true;
		}

		final void startIteration(IterationParams iteration) {
			this.measuring = iteration.getType() == IterationType.MEASUREMENT;
		}

		/**
		 * Fails if a job was delivered twice, a job of an earlier batch turned up, or a raw
		 * consumer failed.
		 */
		final void verify() {
			Throwable failure = this.consumerFailure.get();
			if (failure != null) {
				throw new IllegalStateException(name() + ": a consumer failed", failure);
			}
			if (this.strays.get() != 0 || this.duplicates.get() != 0) {
				throw new IllegalStateException(name() + ": " + this.duplicates.get() + " jobs delivered twice, "
						+ this.strays.get() + " jobs of an earlier batch delivered late");
			}
		}

		final long strays() {
			return this.strays.get();
		}

		final long duplicates() {
			return this.duplicates.get();
		}

		/**
		 * The handler-side latency figures, one line.
		 * @return the summary
		 */
		final String summary() {
			long[] sorted = latencies();
			if (sorted.length == 0) {
				return "JobsBenchmark " + name() + ": no latencies recorded";
			}
			long[] enqueue = enqueueTimes();
			return String.format("JobsBenchmark %s: enqueue to handler, %d jobs one at a time: p50 %.1f µs, "
					+ "p90 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs; the enqueue call alone: p50 %.1f µs, "
					+ "p99 %.1f µs", name(), sorted.length, micros(Percentiles.nearestRank(sorted, 0.50)),
					micros(Percentiles.nearestRank(sorted, 0.90)), micros(Percentiles.nearestRank(sorted, 0.99)),
					micros(Percentiles.nearestRank(sorted, 0.999)), micros(sorted[sorted.length - 1]),
					micros(Percentiles.nearestRank(enqueue, 0.50)), micros(Percentiles.nearestRank(enqueue, 0.99)));
		}

		private static double micros(long nanos) {
			return nanos / 1000.0;
		}

		/**
		 * Entries of the group delivered and not yet acknowledged.
		 * @return the count
		 */
		final long pending() {
			PendingMessages pending = this.redis.rawLettuce().xpending(bytes(streamKey()), bytes(group()));
			return pending.getCount();
		}

		/**
		 * Waits until every delivered entry has been acknowledged (the last acknowledgements
		 * follow the handler).
		 * @return whether none is pending
		 */
		final boolean awaitNothingPending() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (pending() != 0) {
				if (System.nanoTime() - deadline > 0) {
					return false;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
			return true;
		}

		/**
		 * Consumers of the group that have read at least once.
		 * @return their names
		 */
		final List<String> consumers() {
			List<String> names = new ArrayList<>();
			for (Object consumer : this.redis.rawLettuce().xinfoConsumers(bytes(streamKey()), bytes(group()))) {
				List<?> fields = (List<?>) consumer;
				for (int i = 0; i + 1 < fields.size(); i += 2) {
					if ("name".equals(string(fields.get(i)))) {
						names.add(string(fields.get(i + 1)));
					}
				}
			}
			return names;
		}

		/**
		 * Runs a few jobs through and waits until all {@value #CONSUMERS} consumers have
		 * joined the group.
		 */
		final void warmUp() {
			try {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				do {
					pipeline(100);
					if (System.nanoTime() - deadline > 0) {
						throw new IllegalStateException(name() + ": the group has consumers " + consumers() + ", not "
								+ CONSUMERS);
					}
				}
				while (consumers().size() < CONSUMERS);
				for (int i = 0; i < 100; i++) {
					oneJob();
				}
				fillBacklog(100);
				drain();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			if (consumers().size() != CONSUMERS) {
				throw new IllegalStateException(name() + ": the group has consumers " + consumers());
			}
			verify();
		}

		/**
		 * Redis's command statistics.
		 * @return calls and µs by command (lower case)
		 */
		final Map<String, long[]> commandStats() {
			return CommandCounter.callsAndMicros(this.redis.rawLettuce().info("commandstats"));
		}

		/**
		 * Runs some jobs and counts the commands Redis ran meanwhile. Everything a client or
		 * this path's background work sent in that time is counted ({@code INFO} and
		 * {@code XPENDING}, the counting's own, excepted), from after the last acknowledgement
		 * of earlier jobs to after the last of these.
		 */
		final CommandCounts count(int jobs, Work work) throws InterruptedException {
			// the acknowledgements of earlier jobs follow their handlers: none may fall in here
			if (!awaitNothingPending()) {
				throw new IllegalStateException(name() + ": entries still pending: " + pending());
			}
			Map<String, long[]> before = commandStats();
			work.run();
			if (!awaitNothingPending()) {
				throw new IllegalStateException(name() + ": entries still pending: " + pending());
			}
			Map<String, long[]> after = commandStats();
			Map<String, Long> calls = new LinkedHashMap<>();
			Map<String, Long> micros = new LinkedHashMap<>();
			after.forEach((command, stats) -> {
				long[] earlier = before.getOrDefault(command, new long[2]);
				long delta = stats[0] - earlier[0];
				if (delta > 0 && !command.equals("info") && !command.equals("xpending")) {
					calls.put(command, delta);
					micros.put(command, stats[1] - earlier[1]);
				}
			});
			verify();
			return new CommandCounts(jobs, calls, micros, scriptCalls(calls));
		}

		final CommandCounts countPipeline(int jobs) throws InterruptedException {
			return count(jobs, () -> pipeline(jobs));
		}

		final CommandCounts countDrain(int jobs) throws InterruptedException {
			return count(jobs, () -> {
				fillBacklog(jobs);
				drain();
			});
		}

		final CommandCounts countOneAtATime(int jobs) throws InterruptedException {
			return count(jobs, () -> {
				for (int i = 0; i < jobs; i++) {
					oneJob();
				}
			});
		}

		/**
		 * Jobs to count commands for.
		 */
		@FunctionalInterface
		interface Work {

			void run() throws InterruptedException;

		}

		private static String string(Object value) {
			return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
		}

	}

	/**
	 * redisboot: a Boot application with the job queue and one {@code @JobHandler}.
	 */
	@State(Scope.Benchmark)
	public static class RedisbootJobs extends Jobs {

		private final boolean statusTracking;

		private ConfigurableApplicationContext context;

		private JobQueue queue;

		private String streamKey;

		private String group;

		/**
		 * Jobs with status tracking, the default.
		 */
		public RedisbootJobs() {
			this(true);
		}

		RedisbootJobs(boolean statusTracking) {
			this.statusTracking = statusTracking;
		}

		@Setup(Level.Trial)
		public void setUp() {
			start();
		}

		@Override
		void start() {
			this.redis = BenchmarkRedis.start();
			Trial.setUp(() -> {
				this.context = this.redis.application(JobsApplication.class,
						"redisboot.jobs.concurrency=" + CONSUMERS, "redisboot.jobs.status-tracking=" + this.statusTracking);
				this.context.getBean(BenchJobHandler.class).jobs = this;
				this.queue = this.context.getBean(JobQueue.class);
				this.streamKey = this.context.getBean(StreamKeys.class).streamKey(this.queue.getStream());
				this.group = this.context.getEnvironment().getProperty("redisboot.jobs.group", "jobs");
				warmUp();
			}, this::stop);
		}

		@Override
		void stop() {
			try {
				if (latencies().length > 0) {
					System.out.println();
					System.out.println(summary());
				}
				if (this.redis != null) {
					this.redis.close();
				}
			}
			finally {
				this.redis = null;
				this.context = null;
				this.queue = null;
			}
		}

		@Override
		String name() {
			return this.statusTracking ? "redisboot" : "redisboot, status-tracking=false";
		}

		@Override
		void enqueue(BenchJob job) {
			this.queue.enqueue(JOB_TYPE, job);
		}

		@Override
		String streamKey() {
			return this.streamKey;
		}

		@Override
		String group() {
			return this.group;
		}

		@Override
		Map<String, Long> scriptCalls(Map<String, Long> calls) {
			// Untracked, a plain JobQueue.enqueue sends XADD itself and a consumer XACK (only delayed and
			// idempotent jobs use the ENQUEUE script). Tracked, the ENQUEUE script writes the status record
			// and adds the entry, the JOB_START script reads and writes it, the JOB_COMPLETE script
			// acknowledges and writes it. The scheduler's MOVE_DUE script (every 250 ms) calls
			// ZRANGEBYSCORE once per run.
			Map<String, Long> scripts = new LinkedHashMap<>();
			List<String> scripted = this.statusTracking
					? List.of("zrangebyscore", "zrem", "zadd", "xadd", "xack", "hset", "hmget", "pexpire", "type", "get",
							"del")
					: List.of("zrangebyscore", "zrem", "zadd");
			for (String command : scripted) {
				if (calls.containsKey(command)) {
					scripts.put(command, calls.get(command));
				}
			}
			return scripts;
		}

		/**
		 * The application context (for checks).
		 * @return the context
		 */
		ConfigurableApplicationContext context() {
			return this.context;
		}

	}

	/**
	 * raw Lettuce: one client, a producer connection and 4 consumer threads with a connection
	 * each.
	 */
	@State(Scope.Benchmark)
	public static class RawJobs extends Jobs {

		private static final byte[] PAYLOAD = bytes("payload");

		private final byte[] key = bytes(RAW_STREAM_KEY);

		private final byte[] groupName = bytes(RAW_GROUP);

		private final XAddArgs addArgs = XAddArgs.Builder.maxlen(MAX_LENGTH).approximateTrimming();

		private final ObjectWriter writer;

		private final ObjectReader reader;

		private RedisClient client;

		private StatefulRedisConnection<byte[], byte[]> producerConnection;

		private RedisCommands<byte[], byte[]> producer;

		private final List<RawConsumer> consumers = new ArrayList<>();

		private volatile boolean running;

		public RawJobs() {
			JsonMapper mapper = JsonMapper.builder().build();
			this.writer = mapper.writerFor(BenchJob.class);
			this.reader = mapper.readerFor(BenchJob.class);
		}

		@Setup(Level.Trial)
		public void setUp() {
			start();
		}

		@Override
		void start() {
			this.redis = BenchmarkRedis.start();
			Trial.setUp(() -> {
				DataRedisConnectionDetails.Standalone standalone = this.redis.connectionDetails().getStandalone();
				this.client = RedisClient.create(RedisURI.create(standalone.getHost(), standalone.getPort()));
				this.producerConnection = this.client.connect(ByteArrayCodec.INSTANCE);
				this.producer = this.producerConnection.sync();
				this.producer.xgroupCreate(StreamOffset.from(this.key, "0"), this.groupName,
						XGroupCreateArgs.Builder.mkstream());
				this.running = true;
				for (int i = 0; i < CONSUMERS; i++) {
					RawConsumer consumer = new RawConsumer("raw-" + i, this.client.connect(ByteArrayCodec.INSTANCE));
					this.consumers.add(consumer);
					consumer.thread.start();
				}
				warmUp();
			}, this::stop);
		}

		@Override
		void stop() {
			try {
				if (latencies().length > 0) {
					System.out.println();
					System.out.println(summary());
				}
				this.running = false;
				// A consumer blocked in XREADGROUP gets an error when its connection closes, and ends.
				for (RawConsumer consumer : this.consumers) {
					consumer.connection.closeAsync();
				}
				for (RawConsumer consumer : this.consumers) {
					try {
						consumer.thread.join(BLOCK.toMillis() + 3000);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						break;
					}
				}
				this.consumers.clear();
				if (this.producerConnection != null) {
					this.producerConnection.close();
				}
				if (this.client != null) {
					this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
				}
			}
			finally {
				this.producerConnection = null;
				this.producer = null;
				this.client = null;
				if (this.redis != null) {
					this.redis.close();
					this.redis = null;
				}
			}
		}

		@Override
		String name() {
			return "raw";
		}

		@Override
		void enqueue(BenchJob job) {
			this.producer.xadd(this.key, this.addArgs, Map.of(PAYLOAD, this.writer.writeValueAsBytes(job)));
		}

		@Override
		String streamKey() {
			return RAW_STREAM_KEY;
		}

		@Override
		String group() {
			return RAW_GROUP;
		}

		@Override
		Map<String, Long> scriptCalls(Map<String, Long> calls) {
			return Map.of();
		}

		private static byte[] payload(Map<byte[], byte[]> body) {
			for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
				if (Arrays.equals(field.getKey(), PAYLOAD)) {
					return field.getValue();
				}
			}
			throw new IllegalStateException("An entry without a payload field");
		}

		/**
		 * A consumer thread with a connection of its own.
		 */
		private final class RawConsumer implements Runnable {

			private final StatefulRedisConnection<byte[], byte[]> connection;

			private final Consumer<byte[]> consumer;

			private final Thread thread;

			RawConsumer(String name, StatefulRedisConnection<byte[], byte[]> connection) {
				this.connection = connection;
				this.consumer = Consumer.from(RawJobs.this.groupName, bytes(name));
				this.thread = new Thread(this, "raw-jobs-" + name);
				this.thread.setDaemon(true);
			}

			@Override
			@SuppressWarnings("unchecked") // xreadgroup's varargs of StreamOffset<byte[]>
			public void run() {
				RedisCommands<byte[], byte[]> commands = this.connection.sync();
				XReadArgs read = XReadArgs.Builder.block(BLOCK).count(BATCH_SIZE);
				StreamOffset<byte[]> offset = StreamOffset.lastConsumed(RawJobs.this.key);
				while (RawJobs.this.running) {
					try {
						List<StreamMessage<byte[], byte[]>> entries = commands.xreadgroup(this.consumer, read, offset);
						for (StreamMessage<byte[], byte[]> entry : entries) {
							BenchJob job = RawJobs.this.reader.readValue(payload(entry.getBody()));
							handle(job);
							commands.xack(RawJobs.this.key, RawJobs.this.groupName, entry.getId());
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					catch (RuntimeException ex) {
						if (!RawJobs.this.running) {
							return; // connection closed by stop()
						}
						consumerFailed(ex);
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
					}
				}
			}

		}

	}

	/**
	 * A backlog for redisboot's consumers, enqueued before each invocation.
	 */
	@State(Scope.Benchmark)
	public static class RedisbootBacklog {

		Jobs jobs;

		@Setup(Level.Trial)
		public void bind(RedisbootJobs jobs) {
			this.jobs = jobs;
		}

		@Setup(Level.Invocation)
		public void fill() {
			this.jobs.fillBacklog(JOBS);
		}

	}

	/**
	 * A backlog for the raw consumers, enqueued before each invocation.
	 */
	@State(Scope.Benchmark)
	public static class RawBacklog {

		Jobs jobs;

		@Setup(Level.Trial)
		public void bind(RawJobs jobs) {
			this.jobs = jobs;
		}

		@Setup(Level.Invocation)
		public void fill() {
			this.jobs.fillBacklog(JOBS);
		}

	}

	/**
	 * The job handler: hands every job to the benchmark's bookkeeping.
	 */
	public static class BenchJobHandler {

		volatile Jobs jobs;

		/**
		 * Runs a job.
		 * @param job the payload
		 * @throws InterruptedException if interrupted at the drain scenario's gate
		 */
		@JobHandler(JOB_TYPE)
		public void run(BenchJob job) throws InterruptedException {
			this.jobs.handle(job);
		}

	}

	/**
	 * The application: Boot's Redis auto-configuration, redisboot's core and stream
	 * auto-configurations, one job handler.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootStreamAutoConfiguration.class })
	static class JobsApplication {

		@Bean
		BenchJobHandler benchJobHandler() {
			return new BenchJobHandler();
		}

	}

}
