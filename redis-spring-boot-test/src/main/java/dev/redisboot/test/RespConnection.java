package dev.redisboot.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A minimal blocking RESP2 client for administering test servers (PING, INFO, CLUSTER,
 * SENTINEL, DEBUG). Deliberately independent of Lettuce so that the harness can set up and
 * inspect a topology without the client library under test.
 */
final class RespConnection implements Closeable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RespConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	static RespConnection open(String host, int port, Duration timeout) {
		Socket socket = new Socket();
		try {
			socket.setSoTimeout((int) timeout.toMillis());
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			return new RespConnection(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Cannot connect to Redis at " + host + ":" + port, ex);
		}
	}

	/**
	 * Sends one command and reads its reply.
	 * @param args the command and its arguments
	 * @return a {@link String} (simple or bulk string), {@link Long}, {@link List} or
	 * {@code null}
	 * @throws RedisCommandException if the server answers with an error
	 */
	@Nullable Object execute(String... args) {
		send(args);
		return readReply(args[0]);
	}

	/**
	 * Writes one command without waiting for its reply.
	 * @param args the command and its arguments
	 */
	void send(String... args) {
		try {
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			buffer.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
			for (String arg : args) {
				byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
				buffer.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
				buffer.write(bytes);
				buffer.write("\r\n".getBytes(StandardCharsets.UTF_8));
			}
			this.out.write(buffer.toByteArray());
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + args[0] + " failed", ex);
		}
	}

	/**
	 * Reads the reply to a command sent earlier.
	 * @param command the command's name, for error messages
	 * @return the reply
	 */
	@Nullable Object readReply(String command) {
		try {
			return read();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Reading the reply to " + command + " failed", ex);
		}
	}

	private @Nullable Object read() throws IOException {
		int type = this.in.read();
		if (type == -1) {
			throw new EOFException("Connection closed by Redis");
		}
		String line = readLine();
		return switch (type) {
			case '+' -> line;
			case '-' -> throw new RedisCommandException(line);
			case ':' -> Long.parseLong(line);
			case '$' -> readBulk(Integer.parseInt(line));
			case '*' -> readArray(Integer.parseInt(line));
			default -> throw new IOException("Unexpected RESP type '" + (char) type + "'");
		};
	}

	private @Nullable String readBulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException("Connection closed by Redis");
		}
		readLine();
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private @Nullable List<@Nullable Object> readArray(int size) throws IOException {
		if (size < 0) {
			return null;
		}
		List<@Nullable Object> items = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			try {
				items.add(read());
			}
			catch (RedisCommandException ex) {
				items.add(ex);
			}
		}
		return items;
	}

	private String readLine() throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = this.in.read()) != -1) {
			if (c == '\r') {
				this.in.read();
				return line.toString();
			}
			line.append((char) c);
		}
		throw new EOFException("Connection closed by Redis");
	}

	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do: the socket is gone either way
		}
	}

}
