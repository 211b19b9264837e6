package dev.redisboot.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Server-Sent Events client for tests, as a browser's {@code EventSource} would be: the
 * JDK's {@link HttpClient} reads the response line by line on a thread of its own and
 * collects the lines and the events they make up.
 *
 * @author redisboot
 */
final class SseClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(TIMEOUT)
		.build();

	private final HttpResponse<Stream<String>> response;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final List<Event> events = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private volatile boolean ended;

	private SseClient(HttpResponse<Stream<String>> response) {
		this.response = response;
		this.reader = new Thread(this::read, "sse-client");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Connects and waits for the response's headers.
	 * @param url the stream's URL
	 * @return the client, reading
	 */
	static SseClient connect(String url) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Accept", "text/event-stream")
			.GET()
			.build();
		try {
			return new SseClient(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect to " + url, ex);
		}
	}

	/**
	 * Connects and waits until the server has registered the stream (its {@code :connected}
	 * comment arrived), so that every notification published from now on reaches it.
	 * @param url the stream's URL
	 * @return the client, reading
	 */
	static SseClient subscribe(String url) {
		SseClient client = connect(url);
		assertThat(client.status()).as("status of GET %s", url).isEqualTo(200);
		client.awaitLine(":connected");
		return client;
	}

	int status() {
		return this.response.statusCode();
	}

	HttpHeaders headers() {
		return this.response.headers();
	}

	List<String> lines() {
		return this.lines;
	}

	/**
	 * The events received so far, in order.
	 * @return the events
	 */
	List<Event> events() {
		return this.events;
	}

	void awaitLine(String line) {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.lines).contains(line));
	}

	/**
	 * Waits for the first event of a name whose data contains a text.
	 * @return the event
	 */
	Event awaitEvent(String name, String dataContaining) {
		return await().atMost(TIMEOUT)
			.until(() -> this.events.stream()
				.filter((event) -> name.equals(event.name()) && event.data().contains(dataContaining))
				.findFirst()
				.orElse(null), (event) -> event != null);
	}

	private void read() {
		List<String> data = new ArrayList<>();
		String[] idAndName = new String[2];
		try (Stream<String> body = this.response.body()) {
			body.forEach((line) -> {
				this.lines.add(line);
				if (line.isEmpty()) { // the end of an event
					if (!data.isEmpty()) {
						this.events.add(new Event(idAndName[0], idAndName[1], String.join("\n", data)));
					}
					data.clear();
					idAndName[0] = null;
					idAndName[1] = null;
				}
				else if (line.startsWith("data:")) {
					data.add(value(line, "data:"));
				}
				else if (line.startsWith("id:")) {
					idAndName[0] = value(line, "id:");
				}
				else if (line.startsWith("event:")) {
					idAndName[1] = value(line, "event:");
				}
			});
		}
		catch (RuntimeException ex) {
			// closed: the stream ends with an exception
		}
		finally {
			this.ended = true;
		}
	}

	/**
	 * Waits until the server has ended the response.
	 */
	void awaitEnd() {
		await().atMost(TIMEOUT).until(() -> this.ended);
	}

	private static String value(String line, String field) {
		String value = line.substring(field.length());
		return value.startsWith(" ") ? value.substring(1) : value;
	}

	/**
	 * Closes the connection, as a browser does when the page is left.
	 */
	@Override
	public void close() {
		this.response.body().close();
		this.reader.interrupt();
	}

	/**
	 * One event.
	 *
	 * @param id its {@code id} field, if any
	 * @param name its {@code event} field, if any
	 * @param data its {@code data} lines, joined
	 */
	record Event(@Nullable String id, @Nullable String name, String data) {
	}

}
