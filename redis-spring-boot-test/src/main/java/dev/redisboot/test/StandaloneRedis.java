package dev.redisboot.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * One Redis server for tests: a Testcontainers container when Docker is available, a local
 * {@code redis-server} process otherwise (see {@link RedisBackend}).
 * <p>
 * Two variants serve as topologies of their own, local processes only:
 * <ul>
 * <li>{@link RedisTopology#ACL}: the application connects as the user {@value #ACL_USER}
 * with the rules {@value #MANAGED_ACL_RULES}, as managed Redis services give
 * ({@link #startWithAclUser(String)} takes other rules);</li>
 * <li>{@link RedisTopology#TLS}: the application connects over TLS to a port of its own,
 * trusting a CA made for the test run ({@link #startWithTls()}).</li>
 * </ul>
 * In both, {@link RedisNode#execute} stays an unrestricted plain-text connection of the
 * default user, for test set-up and assertions.
 */
public final class StandaloneRedis implements RedisDeployment {

	/**
	 * Name of the restricted user of ACL servers.
	 */
	public static final String ACL_USER = "app";

	/**
	 * ACL rules that managed Redis services commonly give an application: every key and
	 * channel, every command but the dangerous ones (INFO, CONFIG, SLOWLOG, KEYS, ...).
	 */
	public static final String MANAGED_ACL_RULES = "~* &* +@all -@dangerous";

	/**
	 * Name of the SSL bundle that {@link #propertyValues()} define for TLS servers.
	 */
	public static final String SSL_BUNDLE = "redisboot-test-tls";

	private final RedisNode node;

	private final AutoCloseable resource;

	private final @Nullable AclUser user;

	private final @Nullable Tls tls;

	private StandaloneRedis(RedisNode node, AutoCloseable resource) {
		this(node, resource, null, null);
	}

	private StandaloneRedis(RedisNode node, AutoCloseable resource, @Nullable AclUser user, @Nullable Tls tls) {
		this.node = node;
		this.resource = resource;
		this.user = user;
		this.tls = tls;
	}

	/**
	 * Starts a new standalone server on the backend {@link RedisBackend#select} chooses.
	 * @return the running server
	 */
	public static StandaloneRedis start() {
		return start(RedisBackend.select(RedisTopology.STANDALONE));
	}

	/**
	 * Starts a new standalone server on the given backend.
	 * @param backend {@link RedisBackend#DOCKER} or {@link RedisBackend#LOCAL}
	 * @return the running server
	 */
	public static StandaloneRedis start(RedisBackend backend) {
		if (backend == RedisBackend.DOCKER) {
			ContainerRedisServer container = ContainerRedisServer.create("standalone");
			return new StandaloneRedis(container, container);
		}
		LocalRedisServer server = new LocalRedisServer("standalone", RedisBackend.localExecutable(),
				LocalConfiguration.server(), List.of());
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new StandaloneRedis(server, server);
	}

	/**
	 * Starts a local server on which the application connects as {@value #ACL_USER}, a user
	 * with the given ACL rules, such as {@value #MANAGED_ACL_RULES} or
	 * {@code "~shop:* &shop:* +@all -@dangerous"}.
	 * @param rules the user's ACL rules, without {@code on} and the password
	 * @return the running server
	 */
	public static StandaloneRedis startWithAclUser(String rules) {
		AclUser user = new AclUser(ACL_USER, UUID.randomUUID().toString(), rules);
		List<String> configuration = new ArrayList<>(LocalConfiguration.server());
		configuration.add("user " + user.name() + " on >" + user.password() + " " + rules);
		return startLocal("acl", configuration, user, null);
	}

	/**
	 * Starts a local server that the application reaches over TLS (a port of its own, a
	 * certificate for {@code 127.0.0.1} and {@code localhost} signed by a CA made for the
	 * test run; clients are not asked for certificates).
	 * @return the running server
	 */
	public static StandaloneRedis startWithTls() {
		TestCertificates certificates = TestCertificates.get();
		Tls tls = new Tls(FreePorts.next(), certificates);
		List<String> configuration = new ArrayList<>(LocalConfiguration.server());
		configuration.add("tls-port " + tls.port());
		configuration.add("tls-cert-file " + certificates.serverCertificate());
		configuration.add("tls-key-file " + certificates.serverKey());
		configuration.add("tls-ca-cert-file " + certificates.caCertificate());
		configuration.add("tls-auth-clients no");
		return startLocal("tls", configuration, null, tls);
	}

	private static StandaloneRedis startLocal(String name, List<String> configuration, @Nullable AclUser user,
			@Nullable Tls tls) {
		LocalRedisServer server = new LocalRedisServer(name, RedisBackend.localExecutable(), configuration, List.of());
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new StandaloneRedis(server, server, user, tls);
	}

	/**
	 * Name of the user the application connects as, on an ACL server.
	 * @return the user name, or empty when the application uses the default user
	 */
	public Optional<String> username() {
		return Optional.ofNullable(this.user).map(AclUser::name);
	}

	/**
	 * Password of the user the application connects as, on an ACL server.
	 * @return the password, or empty when the application uses the default user
	 */
	public Optional<String> password() {
		return Optional.ofNullable(this.user).map(AclUser::password);
	}

	/**
	 * Port the application connects to: the TLS port on a TLS server, {@link #port()}
	 * otherwise.
	 * @return the port
	 */
	public int clientPort() {
		return (this.tls != null) ? this.tls.port() : port();
	}

	/**
	 * The server.
	 * @return the node
	 */
	public RedisNode node() {
		return this.node;
	}

	/**
	 * Host clients connect to.
	 * @return the host
	 */
	public String host() {
		return this.node.host();
	}

	/**
	 * Port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.node.port();
	}

	/**
	 * A {@code redis://} URL of the server.
	 * @return the URL
	 */
	public String url() {
		return "redis://" + host() + ":" + port();
	}

	@Override
	public RedisTopology topology() {
		if (this.tls != null) {
			return RedisTopology.TLS;
		}
		return (this.user != null) ? RedisTopology.ACL : RedisTopology.STANDALONE;
	}

	@Override
	public List<RedisNode> nodes() {
		return List.of(this.node);
	}

	@Override
	public DataRedisConnectionDetails connectionDetails() {
		AclUser user = this.user;
		Tls tls = this.tls;
		return new DataRedisConnectionDetails() {

			@Override
			public @Nullable String getUsername() {
				return (user != null) ? user.name() : null;
			}

			@Override
			public @Nullable String getPassword() {
				return (user != null) ? user.password() : null;
			}

			@Override
			public @Nullable SslBundle getSslBundle() {
				return (tls != null) ? tls.sslBundle() : null;
			}

			@Override
			public Standalone getStandalone() {
				return Standalone.of(host(), clientPort());
			}

		};
	}

	@Override
	public String[] propertyValues() {
		List<String> values = new ArrayList<>(
				List.of("spring.data.redis.host=" + host(), "spring.data.redis.port=" + clientPort()));
		if (this.user != null) {
			values.add("spring.data.redis.username=" + this.user.name());
			values.add("spring.data.redis.password=" + this.user.password());
		}
		if (this.tls != null) {
			values.add("spring.data.redis.ssl.bundle=" + SSL_BUNDLE);
			values.add("spring.ssl.bundle.pem." + SSL_BUNDLE + ".truststore.certificate=file:"
					+ this.tls.certificates().caCertificate());
		}
		return values.toArray(String[]::new);
	}

	@Override
	public void flushAll() {
		this.node.execute("FLUSHALL");
	}

	@Override
	public void close() {
		try {
			this.resource.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Failed to stop " + this.node, ex);
		}
	}

	@Override
	public String toString() {
		return "StandaloneRedis[" + this.node + ((this.user != null) ? ", user " + this.user.name() : "")
				+ ((this.tls != null) ? ", TLS on " + this.tls.port() : "") + "]";
	}

	private record AclUser(String name, String password, String rules) {

		@Override
		public String toString() {
			return "AclUser[" + this.name + ", " + this.rules + "]";
		}

	}

	private record Tls(int port, TestCertificates certificates) {

		SslBundle sslBundle() {
			PemSslStoreDetails trustStore = PemSslStoreDetails
				.forCertificate("file:" + this.certificates.caCertificate());
			return SslBundle.of(new PemSslStoreBundle(null, trustStore));
		}

	}

}
