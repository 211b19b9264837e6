package dev.redisboot.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.redisboot.test.RedisNode;

/**
 * The fenced code blocks of docs/guide.md, which {@link GuideExamplesTests} and the stage
 * profile tests load, bind, compile or apply, so that the guide cannot drift from the code.
 *
 * @author redisboot
 */
final class GuideBlocks {

	static final Path GUIDE = Path.of("..", "docs", "guide.md").toAbsolutePath().normalize();

	private GuideBlocks() {
	}

	/**
	 * A fenced block: its info string ({@code yaml}, {@code java}, ...), its first line in the
	 * guide, and its text.
	 */
	record Block(String language, int line, String text) {

		String firstLine() {
			return this.text.lines().findFirst().orElse("");
		}

	}

	static List<Block> all() {
		List<String> lines;
		try {
			lines = Files.readAllLines(GUIDE, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Block> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.startsWith("```") && line.length() > 3) {
				String language = line.substring(3).trim();
				StringBuilder text = new StringBuilder();
				int start = i + 2;
				for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
					text.append(lines.get(i)).append('\n');
				}
				blocks.add(new Block(language, start, text.toString()));
			}
		}
		return blocks;
	}

	static List<Block> of(String language) {
		return all().stream().filter((block) -> block.language().equals(language)).toList();
	}

	/**
	 * The {@code conf} block whose first line is the given comment, such as
	 * {@code # redis.conf: one Redis for everything (MVP)}.
	 */
	static Block conf(String title) {
		return of("conf").stream()
			.filter((block) -> block.firstLine().equals(title))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No ```conf block titled '" + title + "' in " + GUIDE));
	}

	/**
	 * Applies a {@code redis.conf} block to a running server with {@code CONFIG SET}, one
	 * directive a line (comments and blank lines skipped, a trailing comment dropped, double
	 * quotes around a value removed).
	 */
	static void apply(Block conf, RedisNode node) {
		for (String line : conf.text().lines().toList()) {
			String directive = line.replaceFirst("\\s+#.*$", "").trim();
			if (directive.isEmpty() || directive.startsWith("#")) {
				continue;
			}
			int space = directive.indexOf(' ');
			String name = directive.substring(0, space);
			String value = directive.substring(space + 1).trim();
			if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
				value = value.substring(1, value.length() - 1);
			}
			node.execute("CONFIG", "SET", name, value);
		}
	}

}
