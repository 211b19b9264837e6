package dev.redisboot.sample;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.cache.CacheSettings;
import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.RedisbootCache;
import dev.redisboot.core.RedisKeyNamer;
import com.jayway.jsonpath.JsonPath;
import dev.redisboot.sample.auth.RevokedSessions;
import dev.redisboot.sample.notification.NotificationHub;
import dev.redisboot.sample.notification.NotificationService;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.product.ProductService;
import dev.redisboot.sample.product.ProductView;
import dev.redisboot.sample.session.MeView;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mockito.AdditionalAnswers;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheInterceptor;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.withSettings;

/**
 * Two instances of {@link SampleApplication} side by side, as behind a load balancer: two
 * application contexts, each with its own web server on a random port and its own in-memory
 * H2 database, both on one Redis from the test harness with the same key prefix
 * ({@code sample}). The {@code products} cache has stampede protection and a near cache
 * (see {@code application.yml}).
 * <p>
 * The databases are separate on purpose: an update made through instance A never reaches
 * instance B's database, so when B returns the new value it can only have come through the
 * cache. Each test adds its products to both databases, in the same order, so that a
 * product has the same id in both. Whether a request reached a database is told by a
 * Mockito spy of each instance's {@link ProductRepository}, never by timing.
 * <p>
 * HTTP sessions live in the same Redis: a browser signed in through one instance is signed
 * in on the other, and signing out on one signs out on both. Each session test signs in a
 * demo user of its own (the demo users are seeded in both databases).
 * <p>
 * A notification posted on one instance reaches the notification streams (Server-Sent
 * Events) of both: each instance's {@code @RedisListener} receives it from Redis pub/sub.
 * <p>
 * The Redis server is this class's own ({@code isolated}): the shared one holds the entries
 * of the shared test context, whose products have the same ids with other contents.
 *
 * @author redisboot
 */
@WithRedis(isolated = true)
class SampleApplicationTwoInstancesIntegrationTests {

	private static final String CACHE = "products";

	private static final int CONCURRENT_REQUESTS = 50;

	private static @Nullable Instance a;

	private static @Nullable Instance b;

	@BeforeAll
	static void startTwoInstances(StandaloneRedis redis) {
		a = Instance.start("a", redis);
		b = Instance.start("b", redis);
		// Near caches serve only while their invalidation channel is subscribed
		await().until(() -> a().nearCacheInvalidation().isSubscribed() && b().nearCacheInvalidation().isSubscribed());
	}

	@AfterAll
	static void stopInstances() {
		try {
			if (b != null) {
				b.close();
			}
		}
		finally {
			if (a != null) {
				a.close();
			}
		}
	}

	@Test
	void instancesShareTheTestRedisAndKeyPrefixButNotTheirDatabases(StandaloneRedis redis) {
		for (Instance instance : List.of(a(), b())) {
			LettuceConnectionFactory connectionFactory = instance.bean(LettuceConnectionFactory.class);
			assertThat(connectionFactory.getHostName()).isEqualTo(redis.host());
			assertThat(connectionFactory.getPort()).isEqualTo(redis.port()).isNotEqualTo(6379);
			assertThat(instance.bean(RedisKeyNamer.class).prefix()).hasValue("sample");
			assertThat(instance.nearCacheInvalidation().getChannel()).isEqualTo("sample:cache:invalidations");
		}
		assertThat(a().port()).isNotEqualTo(b().port());
		Product onlyInA = a().repositoryTarget()
			.save(new Product("Only in A", "Saved in A's database", new BigDecimal("1.00")));
		assertThat(b().repositoryTarget().findById(onlyInA.getId())).isEmpty();
		// ... and B gets the same id for its next product: the databases stay in step
		Product onlyInB = b().repositoryTarget()
			.save(new Product("Only in B", "Saved in B's database", new BigDecimal("1.00")));
		assertThat(onlyInB.getId()).isEqualTo(onlyInA.getId());
	}

	@Test
	void productsCacheHasStampedeProtectionAndANearCache() throws NoSuchMethodException {
		Method find = ProductService.class.getMethod("find", long.class);
		for (Instance instance : List.of(a(), b())) {
			// Stampede protection makes the plain @Cacheable of ProductService.find synchronized
			Collection<CacheOperation> operations = instance.bean(CacheInterceptor.class)
				.getCacheOperationSource()
				.getCacheOperations(find, ProductService.class);
			assertThat(operations).singleElement()
				.asInstanceOf(InstanceOfAssertFactories.type(CacheableOperation.class))
				.satisfies((cacheable) -> assertThat(cacheable.isSync()).as("sync of %s", find).isTrue());
			Cache cache = instance.bean(CacheManager.class).getCache(CACHE);
			assertThat(cache).isInstanceOf(RedisbootCache.class);
			CacheSettings settings = ((RedisbootCache) cache).getSettings();
			assertThat(settings.loading().lock()).isTrue();
			assertThat(settings.nearCache()).isEqualTo(new CacheSettings.NearCache(10_000, Duration.ofMinutes(1)));
		}
	}

	@Test
	void viewCountedOnOneInstanceIsReadOnTheOtherAtOnceAndWrittenBehindOnce() {
		long id = newProductInBothDatabases("Viewed on two instances");
		double writtenBefore = a().writtenBehind() + b().writtenBehind();
		assertThat(a().views(id, true)).isEqualTo(1);
		// B reads the count from the cache at once, before any database has it
		assertThat(b().views(id, false)).isEqualTo(1);
		// one job on one instance writes it to that instance's database, once
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
				a().repositoryTarget().findById(id).orElseThrow().getViews()
						+ b().repositoryTarget().findById(id).orElseThrow().getViews())
			.isEqualTo(1));
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(a().writtenBehind() + b().writtenBehind()).isEqualTo(writtenBefore + 1));
	}

	@Test
	void productUpdatedThroughOneInstanceIsServedByTheOther() {
		long id = newProductInBothDatabases("Team plan, old");
		double invalidationsOnB = b().counter("cache.near.invalidations");

		// Warm up: A loads the product from its database into Redis, B reads it from Redis
		// into its near cache
		ProductView old = a().getProduct(id);
		assertThat(b().getProduct(id)).isEqualTo(old);
		assertThat(a().findByIdCalls(id)).isOne();
		assertThat(b().findByIdCalls(id)).isZero();

		// B's next read is served from its memory
		double nearHitsOnB = b().counter("cache.near.gets", "result", "hit");
		assertThat(b().getProduct(id)).isEqualTo(old);
		assertThat(b().counter("cache.near.gets", "result", "hit")).isEqualTo(nearHitsOnB + 1);

		ProductView updated = a().putProduct(id, """
				{"name": "Team plan, new", "description": "Up to 100 members", "price": 59.5}""");
		assertThat(updated.name()).isEqualTo("Team plan, new");
		assertThat(updated.price()).isEqualByComparingTo("59.50");

		// B drops its copy when A's message arrives, then reads the new value from Redis
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(b().getProduct(id)).isEqualTo(updated));
		// Exactly one message reached B: the update's. The two loads (A's from its database,
		// B's from Redis) were not announced. Messages arrive in the order they were
		// published, so any from the loads would have arrived before the update's.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(b().counter("cache.near.invalidations")).isEqualTo(invalidationsOnB + 1));

		// Never from B's database, which still has the old product
		assertThat(b().findByIdCalls(id)).isZero();
		assertThat(b().repositoryTarget().findById(id)).hasValueSatisfying(
				(row) -> assertThat(row.getName()).isEqualTo("Team plan, old"));
		// ... and B keeps the new value in memory again
		double nearHitsAfterUpdate = b().counter("cache.near.gets", "result", "hit");
		assertThat(b().getProduct(id)).isEqualTo(updated);
		assertThat(b().counter("cache.near.gets", "result", "hit")).isEqualTo(nearHitsAfterUpdate + 1);
	}

	@Test
	void concurrentMissesOnBothInstancesLoadTheProductOnce(StandaloneRedis redis) throws Exception {
		long id = newProductInBothDatabases("Cold plan");
		// Whichever instance loads holds its database read until every request has missed
		CountDownLatch release = new CountDownLatch(1);
		a().holdLoadsUntil(id, release);
		b().holdLoadsUntil(id, release);
		double misses = a().counter("cache.gets", "result", "miss") + b().counter("cache.gets", "result", "miss");
		long loads = a().loads() + b().loads();

		CountDownLatch start = new CountDownLatch(1);
		ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT_REQUESTS);
		try {
			List<Future<ProductView>> responses = new ArrayList<>();
			for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
				Instance instance = (i % 2 == 0) ? a() : b();
				responses.add(clients.submit(() -> {
					start.await();
					return instance.getProduct(id);
				}));
			}
			start.countDown();

			// Every request missed while the one load is held: all 50 are in flight at once. The
			// load is held until release below, so waiting longer cannot make this pass wrongly;
			// 30s leaves a loaded 2-core machine room to schedule 50 requests through 2 Tomcats.
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(
						a().counter("cache.gets", "result", "miss") + b().counter("cache.gets", "result", "miss"))
					.isEqualTo(misses + CONCURRENT_REQUESTS));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(a().findByIdCalls(id) + b().findByIdCalls(id)).isOne());
			// The loader holds the product's lock in Redis, which makes the other instance wait
			assertThat(redis.node().execute("EXISTS", a().lockKey("products", id))).isEqualTo(1L);
			release.countDown();

			List<ProductView> views = new ArrayList<>();
			for (Future<ProductView> response : responses) {
				views.add(response.get(30, TimeUnit.SECONDS));
			}
			assertThat(views).hasSize(CONCURRENT_REQUESTS).allSatisfy((view) -> {
				assertThat(view.id()).isEqualTo(id);
				assertThat(view.name()).isEqualTo("Cold plan");
			});
			assertThat(views).containsOnly(views.get(0));
		}
		finally {
			release.countDown();
			clients.shutdownNow();
		}
		assertThat(a().findByIdCalls(id) + b().findByIdCalls(id)).isOne();
		assertThat(a().loads() + b().loads()).isEqualTo(loads + 1);
		assertThat(redis.node().execute("EXISTS", a().lockKey("products", id))).isEqualTo(0L);
	}

	@Test
	void userSignedInOnOneInstanceIsSignedInOnTheOther() {
		String cookie = a().signIn("ada@example.com");
		// B reads the session from Redis: the same user, with the id of A's database
		long id = a().userId("ada@example.com");
		assertThat(b().me(cookie)).hasStatusOk()
			.bodyJson()
			.convertTo(MeView.class)
			.isEqualTo(new MeView(id, "ada@example.com", "Ada Lovelace", "pro", 1));
		assertThat(a().me(cookie)).hasStatusOk();
	}

	@Test
	void signingOutEverywhereOnOneInstanceSignsOutOnTheOther() {
		String onA = a().signIn("grace@example.com");
		String onB = b().signIn("grace@example.com");
		assertThat(a().me(onB)).hasStatusOk()
			.bodyJson()
			.convertTo(MeView.class)
			.satisfies((me) -> assertThat(me.sessions()).isEqualTo(2));

		assertThat(b().post("/api/auth/logout-everywhere", onA)).hasStatusOk()
			.bodyJson()
			.convertTo(RevokedSessions.class)
			.isEqualTo(new RevokedSessions(2));

		assertThat(a().me(onA)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(a().me(onB)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(b().me(onB)).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void logoutOnOneInstanceSignsOutOnTheOther() {
		String cookie = b().signIn("demo@example.com");
		assertThat(a().me(cookie)).hasStatusOk();
		assertThat(a().post("/api/auth/logout", cookie)).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(b().me(cookie)).hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void notificationPostedOnOneInstanceIsStreamedByEveryInstance(StandaloneRedis redis) {
		String cookie = a().signIn("demo@example.com");
		try (SseClient onA = SseClient.subscribe(a().url("/api/notifications/stream"));
				SseClient onB = SseClient.subscribe(b().url("/api/notifications/stream"))) {
			// Pub/sub keeps nothing for late subscribers: both instances' listeners must be there
			await().atMost(Duration.ofSeconds(10))
				.until(() -> List.of(NotificationService.CHANNEL, 2L)
					.equals(redis.node().execute("PUBSUB", "NUMSUB", NotificationService.CHANNEL)));

			RestTestClientResponse response = a().post("/api/notifications", cookie, """
					{"message": "Posted on A", "level": "success"}""");
			assertThat(response).hasStatus(HttpStatus.ACCEPTED);
			String id = JsonPath.read(
					new String(response.getExchangeResult().getResponseBodyContent(), StandardCharsets.UTF_8), "$.id");

			// B never saw the request: the notification came to it through Redis
			assertThat(onB.awaitEvent("notification", id).data()).contains("\"message\":\"Posted on A\"",
					"\"level\":\"success\"");
			assertThat(onA.awaitEvent("notification", id).data()).contains("\"message\":\"Posted on A\"");
			assertThat(b().bean(NotificationHub.class).subscribers()).isOne();
		}
	}

	/**
	 * Saves a product in both databases, where it gets the same id.
	 */
	private static long newProductInBothDatabases(String name) {
		Product inA = a().repositoryTarget().save(new Product(name, "For a two-instance test", new BigDecimal("10.00")));
		Product inB = b().repositoryTarget().save(new Product(name, "For a two-instance test", new BigDecimal("10.00")));
		assertThat(inB.getId()).as("id of the product in B's database").isEqualTo(inA.getId());
		return inA.getId();
	}

	private static Instance a() {
		assertThat(a).as("instance A").isNotNull();
		return a;
	}

	private static Instance b() {
		assertThat(b).as("instance B").isNotNull();
		return b;
	}

	/**
	 * One running instance of the sample application, with a client for its port and a
	 * Mockito spy in place of its {@link ProductRepository}.
	 */
	private static final class Instance implements AutoCloseable {

		private final ConfigurableApplicationContext context;

		private final RepositorySpy repositorySpy;

		private final RestTestClient client;

		/**
		 * The lock key of a cache entry: the cache key appears only as its digest.
		 */
		String lockKey(String cache, Object key) {
			return "sample:cache-lock:" + cache + ":"
					+ this.context.getBean(dev.redisboot.core.KeyDigester.class).digest("cache-lock", String.valueOf(key));
		}

		private Instance(ConfigurableApplicationContext context, RepositorySpy repositorySpy) {
			this.context = context;
			this.repositorySpy = repositorySpy;
			this.client = RestTestClient.bindToServer(new JdkClientHttpRequestFactory())
				.baseUrl("http://localhost:" + port())
				.build();
		}

		static Instance start(String name, StandaloneRedis redis) {
			RepositorySpy repositorySpy = new RepositorySpy(name);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
				.main(SampleApplication.class)
				// 50 concurrent requests from one address: raise the rate limits out of the way
				.profiles("relaxed-rate-limits")
				.initializers((applicationContext) -> {
					// As @WithRedis does for a test context: Boot prefers these connection
					// details to the spring.data.redis.* properties of application.yml
					((GenericApplicationContext) applicationContext).registerBean(DataRedisConnectionDetails.class,
							redis::connectionDetails);
					applicationContext.getBeanFactory().addBeanPostProcessor(repositorySpy);
				})
				// Command-line arguments outrank application.yml: never localhost:6379, whatever happens
				.run("--server.port=0", "--management.server.port=0", "--spring.data.redis.host=" + redis.host(),
						"--spring.data.redis.port=" + redis.port());
			return new Instance(context, repositorySpy);
		}

		int port() {
			Integer port = this.context.getEnvironment().getProperty("local.server.port", Integer.class);
			assertThat(port).as("local.server.port").isNotNull();
			return port;
		}

		<T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		NearCacheInvalidation nearCacheInvalidation() {
			return bean(NearCacheInvalidation.class);
		}

		/**
		 * The real repository, to set up and inspect the database without counting calls.
		 */
		ProductRepository repositoryTarget() {
			return this.repositorySpy.target();
		}

		/**
		 * How many times the application asked the database for a product.
		 */
		long findByIdCalls(long id) {
			return Mockito.mockingDetails(this.repositorySpy.spy())
				.getInvocations()
				.stream()
				.filter((invocation) -> isFindById(invocation, id))
				.count();
		}

		private static boolean isFindById(Invocation invocation, long id) {
			return invocation.getMethod().getName().equals("findById")
					&& Long.valueOf(id).equals(invocation.getArguments()[0]);
		}

		/**
		 * Makes the application's database reads of a product wait for a latch (at most 10
		 * seconds, the lock's TTL).
		 */
		void holdLoadsUntil(long id, CountDownLatch release) {
			ProductRepository target = repositoryTarget();
			doAnswer((invocation) -> {
				release.await(10, TimeUnit.SECONDS);
				return AdditionalAnswers.delegatesTo(target).answer(invocation);
			}).when(this.repositorySpy.spy()).findById(id);
		}

		double counter(String name, String... tags) {
			Counter counter = bean(MeterRegistry.class).find(name).tag("cache", CACHE).tags(tags).counter();
			return (counter != null) ? counter.count() : 0;
		}

		/**
		 * How many values the cache loaded after a miss ({@code cache.load}).
		 */
		long loads() {
			Timer timer = bean(MeterRegistry.class).find("cache.load").tag("cache", CACHE).timer();
			return (timer != null) ? timer.count() : 0;
		}

		double writtenBehind() {
			Counter counter = bean(MeterRegistry.class).find("redisboot.writebehind.written")
				.tag("name", "product-views")
				.counter();
			return (counter != null) ? counter.count() : 0;
		}

		long views(long id, boolean count) {
			var request = count ? this.client.post() : this.client.get();
			java.util.Map<?, ?> body = request.uri("/api/products/{id}/views", id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(java.util.Map.class)
				.returnResult()
				.getResponseBody();
			assertThat(body).as("body of /api/products/%d/views", id).isNotNull();
			return ((Number) body.get("views")).longValue();
		}

		ProductView getProduct(long id) {
			ProductView view = this.client.get()
				.uri("/api/products/{id}", id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(ProductView.class)
				.returnResult()
				.getResponseBody();
			assertThat(view).as("body of GET /api/products/%d", id).isNotNull();
			return view;
		}

		ProductView putProduct(long id, String json) {
			ProductView view = this.client.put()
				.uri("/api/products/{id}", id)
				.contentType(MediaType.APPLICATION_JSON)
				.body(json)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(ProductView.class)
				.returnResult()
				.getResponseBody();
			assertThat(view).as("body of PUT /api/products/%d", id).isNotNull();
			return view;
		}

		long userId(String email) {
			Long id = bean(UserRepository.class).findByEmail(email).orElseThrow().getId();
			assertThat(id).as("id of %s", email).isNotNull();
			return id;
		}

		/**
		 * Signs a demo user in.
		 * @return the value of the {@code SESSION} cookie, which is {@code Secure}: the
		 * requests send it themselves, as a cookie jar need not over http
		 */
		String signIn(String email) {
			RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
				.uri("/api/auth/login")
				.contentType(MediaType.APPLICATION_JSON)
				.body("""
						{"email": "%s", "password": "demo-password"}""".formatted(email))
				.exchange());
			assertThat(response).hasStatusOk();
			ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
			assertThat(cookie).as("SESSION cookie").isNotNull();
			return cookie.getValue();
		}

		RestTestClientResponse me(String cookie) {
			return RestTestClientResponse.from(
					this.client.get().uri("/api/me").header(HttpHeaders.COOKIE, "SESSION=" + cookie).exchange());
		}

		RestTestClientResponse post(String path, String cookie) {
			return RestTestClientResponse.from(
					this.client.post().uri(path).header(HttpHeaders.COOKIE, "SESSION=" + cookie).exchange());
		}

		RestTestClientResponse post(String path, String cookie, String json) {
			return RestTestClientResponse.from(this.client.post()
				.uri(path)
				.header(HttpHeaders.COOKIE, "SESSION=" + cookie)
				.contentType(MediaType.APPLICATION_JSON)
				.body(json)
				.exchange());
		}

		String url(String path) {
			return "http://localhost:" + port() + path;
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	/**
	 * Replaces the application's {@link ProductRepository} with a Mockito spy that records
	 * every call and passes it on, as {@code @MockitoSpyBean} does in a test context.
	 */
	private static final class RepositorySpy implements BeanPostProcessor {

		private final String instanceName;

		private volatile @Nullable ProductRepository target;

		private volatile @Nullable ProductRepository spy;

		RepositorySpy(String instanceName) {
			this.instanceName = instanceName;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof ProductRepository repository && !Mockito.mockingDetails(bean).isMock()) {
				ProductRepository spy = Mockito.mock(ProductRepository.class, withSettings()
					.name(beanName + " of instance " + this.instanceName)
					.defaultAnswer(AdditionalAnswers.delegatesTo(repository)));
				this.target = repository;
				this.spy = spy;
				return spy;
			}
			return bean;
		}

		ProductRepository target() {
			ProductRepository target = this.target;
			assertThat(target).as("the application's ProductRepository").isNotNull();
			return target;
		}

		ProductRepository spy() {
			ProductRepository spy = this.spy;
			assertThat(spy).as("spy of the application's ProductRepository").isNotNull();
			return spy;
		}

	}

}
