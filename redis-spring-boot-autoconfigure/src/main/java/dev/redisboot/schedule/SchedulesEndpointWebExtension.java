package dev.redisboot.schedule;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Web extension of the {@link SchedulesEndpoint}: changing an unknown schedule answers 404
 * rather than the 204 a write operation without a result would give, so that the answer
 * (and the audit trail, which records the status) says what happened. Public for the
 * auto-configuration; not API.
 *
 * @author redisboot
 */
@EndpointWebExtension(endpoint = SchedulesEndpoint.class)
public class SchedulesEndpointWebExtension {

	private final SchedulesEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public SchedulesEndpointWebExtension(SchedulesEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Pauses, resumes or triggers a schedule ({@link SchedulesEndpoint#change}).
	 * @param name the schedule's name
	 * @param action {@code pause}, {@code resume} or {@code trigger}
	 * @return 200 with what happened, or 404 if there is no such schedule
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> change(@Selector String name, String action) {
		Map<String, Object> result = this.delegate.change(name, action);
		return (result != null) ? new WebEndpointResponse<>(result)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
