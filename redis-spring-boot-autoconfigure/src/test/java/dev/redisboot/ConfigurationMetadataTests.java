package dev.redisboot;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs use for auto-completion: every redisboot property is
 * there with a description, and nothing is defined under {@code spring.*}.
 */
class ConfigurationMetadataTests {

	private JsonNode metadata() throws Exception {
		// this module's own file, not the first one on the class path
		Path file = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
		assertThat(file).as("generated metadata").exists();
		try (InputStream in = Files.newInputStream(file)) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

	@Test
	void everyPropertyIsDocumentedAndUnderRedisboot() throws Exception {
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata().get("properties")) {
			String name = property.get("name").asString();
			names.add(name);
			if (name.startsWith("management.endpoint.")) {
				// Boot's processor adds access and cache properties for each @Endpoint, under Boot's own prefix
				assertThat(name).matches("management\\.endpoint\\.(streams|redis|schedules|audit|console|principals)\\.(access|cache\\.time-to-live)");
				continue;
			}
			assertThat(name).startsWith("redisboot.");
			assertThat(property.path("description").asString("")).as("description of %s", name).isNotBlank();
		}
		assertThat(names).contains("redisboot.key-prefix", "redisboot.cache.default-ttl", "redisboot.cache.caches",
				"redisboot.cache.ttl-jitter", "redisboot.cache.on-failure", "redisboot.cache.encryption.keys",
				"redisboot.session.max-sessions-per-principal", "redisboot.stream.reclaim-idle", "redisboot.jobs.stream",
				"redisboot.jobs.schedules", "redisboot.audit.max-length", "redisboot.audit.retention");
	}

	@Test
	void hintsAreMergedIn() throws Exception {
		List<String> hinted = new ArrayList<>();
		metadata().get("hints").forEach((hint) -> hinted.add(hint.get("name").asString()));
		assertThat(hinted).contains("redisboot.cache.ttl-jitter");
	}

}
