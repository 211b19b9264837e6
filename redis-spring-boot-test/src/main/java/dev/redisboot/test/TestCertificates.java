package dev.redisboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A throw-away certificate authority and a server certificate for {@code 127.0.0.1} and
 * {@code localhost}, made once per JVM with the {@code openssl} command and removed when the
 * JVM exits, for TLS test servers.
 *
 * @param directory where the PEM files are
 */
record TestCertificates(Path directory) {

	private static @Nullable TestCertificates instance;

	static synchronized TestCertificates get() {
		if (instance == null) {
			instance = create();
		}
		return instance;
	}

	/**
	 * The CA certificate clients trust.
	 * @return the PEM file
	 */
	Path caCertificate() {
		return this.directory.resolve("ca.crt");
	}

	Path serverCertificate() {
		return this.directory.resolve("server.crt");
	}

	Path serverKey() {
		return this.directory.resolve("server.key");
	}

	private static TestCertificates create() {
		Path directory = ProcessJanitor.newWorkingDirectory("tls-certificates");
		ProcessJanitor.register(() -> ProcessJanitor.deleteRecursively(directory));
		try {
			// clientAuth too: the nodes of a TLS cluster present it to each other on the cluster bus.
			Files.writeString(directory.resolve("server.ext"),
					"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
					StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
				"/CN=redisboot test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
				"keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.crt");
		openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
				"-out", "server.csr");
		openssl(directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
				"-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
		return new TestCertificates(directory);
	}

	private static void openssl(Path directory, String... args) {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("openssl.log").toFile())
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException("Cannot make test certificates: '" + String.join(" ", command)
						+ "' failed:\n" + Files.readString(directory.resolve("openssl.log")));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot make test certificates: the openssl command is needed for TLS "
					+ "test servers (Debian/Ubuntu: 'apt-get install -y openssl')", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
