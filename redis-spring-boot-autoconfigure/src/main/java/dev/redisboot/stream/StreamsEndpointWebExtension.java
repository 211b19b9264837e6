package dev.redisboot.stream;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Web extension of the {@link StreamsEndpoint}: cancelling an unknown job and deleting an
 * unknown dead letter answer 404, and a Redis failure 503, so that the answer (and the
 * audit trail, which records the status) says what happened. Public for the
 * auto-configuration; not API.
 *
 * @author redisboot
 */
@EndpointWebExtension(endpoint = StreamsEndpoint.class)
public class StreamsEndpointWebExtension {

	private final StreamsEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public StreamsEndpointWebExtension(StreamsEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Cancels a job ({@link StreamsEndpoint#cancel}).
	 * @param stream the jobs stream's name
	 * @param jobId the job's id
	 * @return 200 with the outcome, 404 for an unknown job, 503 when Redis refused
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, String>> cancel(@Selector String stream, @Selector String jobId) {
		Map<String, String> outcome = this.delegate.cancel(stream, jobId);
		String name = outcome.get("outcome");
		if (CancelOutcome.NOT_FOUND.name().equals(name)) {
			return new WebEndpointResponse<>(outcome, WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(outcome,
				"FAILED".equals(name) ? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : WebEndpointResponse.STATUS_OK);
	}

	/**
	 * Deletes one dead letter ({@link StreamsEndpoint#deleteDeadLetter}).
	 * @param stream the stream's name
	 * @param section must be {@code dead-letters}
	 * @param id the dead letter's entry id
	 * @return 200, 404 when there is no such dead letter, 503 when Redis refused
	 */
	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> deleteDeadLetter(@Selector String stream,
			@Selector String section, @Selector String id) {
		Map<String, Object> deleted = this.delegate.deleteDeadLetter(stream, section, id);
		if (deleted == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(deleted, deleted.containsKey("error")
				? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : WebEndpointResponse.STATUS_OK);
	}

}
