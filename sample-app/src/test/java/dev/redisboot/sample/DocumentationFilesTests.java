package dev.redisboot.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's Markdown files (README.md and docs/) hold no left-over merge conflict: a
 * {@code <<<<<<<}, {@code =======} or {@code >>>>>>>} line once landed in docs/benchmarks.md
 * unnoticed.
 */
class DocumentationFilesTests {

	private static final Pattern CONFLICT_MARKER = Pattern.compile("^(<{7}( .*)?|={7}|>{7}( .*)?)$");

	@Test
	void markdownFilesHoldNoMergeConflictMarkers() throws IOException {
		Path root = Path.of("..").toAbsolutePath().normalize();
		List<Path> files = new ArrayList<>();
		files.add(root.resolve("README.md"));
		try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).forEach(files::add);
		}
		assertThat(files).hasSizeGreaterThan(3);
		List<String> markers = new ArrayList<>();
		for (Path file : files) {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			for (int i = 0; i < lines.size(); i++) {
				if (CONFLICT_MARKER.matcher(lines.get(i)).matches()) {
					markers.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i));
				}
			}
		}
		assertThat(markers).as("merge conflict markers").isEmpty();
	}

}
