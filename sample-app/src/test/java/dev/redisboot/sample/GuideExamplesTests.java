package dev.redisboot.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import dev.redisboot.sample.GuideBlocks.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/guide.md true: every {@code yaml} block binds to redisboot's
 * {@code @ConfigurationProperties} without an unknown {@code redisboot.*} key (a typo) or a
 * value that does not convert, every {@code java} block compiles against the sample
 * application's test class path, the stage profiles appear in it verbatim, and every
 * {@code conf} block is one that a stage test applies to a real server
 * ({@code SampleApplication*ProfileIntegrationTests}).
 *
 * @author redisboot
 */
class GuideExamplesTests {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}");

	private static final Pattern TYPE_NAME = Pattern
		.compile("(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");

	@Test
	void everyBlockIsOfAKindThatATestChecks() {
		assertThat(GuideBlocks.all()).isNotEmpty()
			.allSatisfy((block) -> assertThat(block.language()).as("language of the block at docs/guide.md:%d",
					block.line())
				.isIn("yaml", "java", "conf"));
	}

	@Test
	void theStageProfilesAreInTheGuideVerbatim() throws IOException {
		List<String> yaml = GuideBlocks.of("yaml").stream().map(Block::text).toList();
		for (String stage : List.of("mvp", "growth", "enterprise")) {
			Path profile = Path.of("src/main/resources/application-" + stage + ".yml");
			assertThat(yaml).as("a yaml block of docs/guide.md identical to %s", profile)
				.contains(Files.readString(profile, StandardCharsets.UTF_8));
		}
	}

	@Test
	void everyConfBlockIsAppliedByAStageTest() {
		assertThat(GuideBlocks.of("conf").stream().map(Block::firstLine)).containsExactlyInAnyOrder(
				"# redis.conf: one Redis for everything (MVP)",
				"# redis.conf: the durable Redis (sessions, jobs, rate limits, locks)", "# redis.conf: the cache Redis",
				"# users.acl: the application's least-privilege user (enterprise)");
	}

	@Test
	void theGuidesAclIsTheOneTheEnterpriseTestGrants() {
		String acl = GuideBlocks.conf("# users.acl: the application's least-privilege user (enterprise)").text();
		assertThat(acl.lines().filter((line) -> line.startsWith("user ")))
			.singleElement()
			.satisfies((line) -> assertThat(line.replaceFirst("^user \\S+ on >\\S+ ", ""))
				.isEqualTo(SampleApplicationEnterpriseProfileIntegrationTests.ACL_RULES));
	}

	@Test
	void everyYamlBlockBindsWithoutUnknownRedisbootKeys() throws IOException {
		Map<String, Class<?>> propertiesClasses = redisbootPropertiesClasses();
		assertThat(propertiesClasses).containsKeys("redisboot", "redisboot.cache", "redisboot.session",
				"redisboot.rate-limit", "redisboot.audit");
		Set<String> metadata = metadataPropertyNames();
		List<Block> blocks = GuideBlocks.of("yaml");
		assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
		for (Block block : blocks) {
			Map<String, Object> properties = load(block);
			assertThat(properties).as("properties of the yaml block at docs/guide.md:%d", block.line()).isNotEmpty();
			Recorder recorder = new Recorder();
			Binder binder = new Binder(new MapConfigurationPropertySource(properties));
			propertiesClasses.forEach((prefix, type) -> binder.bind(prefix, Bindable.of(type), recorder));
			List<String> unknown = properties.keySet()
				.stream()
				.filter((key) -> key.startsWith("redisboot."))
				.filter((key) -> !metadata.contains(key) && !recorder.covers(ConfigurationPropertyName.of(key)))
				.toList();
			assertThat(unknown).as("redisboot keys that nothing binds in the yaml block at docs/guide.md:%d",
					block.line())
				.isEmpty();
		}
	}

	@Test
	void aMisspeltKeyIsCaught() throws IOException {
		Recorder recorder = new Recorder();
		Map<String, Object> properties = Map.of("redisboot.cache.caches.users.tll", "1h",
				"redisboot.cache.caches.users.ttl", "1h");
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		redisbootPropertiesClasses().forEach((prefix, type) -> binder.bind(prefix, Bindable.of(type), recorder));
		assertThat(recorder.covers(ConfigurationPropertyName.of("redisboot.cache.caches.users.ttl"))).isTrue();
		assertThat(recorder.covers(ConfigurationPropertyName.of("redisboot.cache.caches.users.tll"))).isFalse();
	}

	@Test
	void everyJavaBlockCompiles(@TempDir Path directory) throws IOException {
		List<Block> blocks = GuideBlocks.of("java");
		assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
		List<Path> sources = new ArrayList<>();
		for (int i = 0; i < blocks.size(); i++) {
			Block block = blocks.get(i);
			Matcher type = TYPE_NAME.matcher(block.text());
			assertThat(type.find()).as("a type in the java block at docs/guide.md:%d", block.line()).isTrue();
			Path source = directory.resolve("block" + i).resolve(type.group(1) + ".java");
			Files.createDirectories(source.getParent());
			Files.writeString(source, block.text(), StandardCharsets.UTF_8);
			sources.add(source);
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			Path classes = Files.createDirectories(directory.resolve("classes"));
			boolean compiled = compiler.getTask(null, files, diagnostics,
					List.of("-d", classes.toString(), "-proc:none", "-classpath", System.getProperty("java.class.path")),
					null, files.getJavaFileObjectsFromPaths(sources))
				.call();
			List<String> errors = diagnostics.getDiagnostics()
				.stream()
				.filter((diagnostic) -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
				.map((diagnostic) -> blockOf(blocks, sources, diagnostic) + ": " + diagnostic.getMessage(Locale.ROOT))
				.toList();
			assertThat(errors).as("compilation errors").isEmpty();
			assertThat(compiled).isTrue();
		}
	}

	private static String blockOf(List<Block> blocks, List<Path> sources, Diagnostic<? extends JavaFileObject> diagnostic) {
		if (diagnostic.getSource() == null) {
			return "javac";
		}
		for (int i = 0; i < sources.size(); i++) {
			if (diagnostic.getSource().toUri().equals(sources.get(i).toUri())) {
				return "docs/guide.md:" + (blocks.get(i).line() + diagnostic.getLineNumber() - 1);
			}
		}
		return diagnostic.getSource().getName();
	}

	/**
	 * A yaml block as Spring Boot loads it ({@code a.b[0].c} names), with each placeholder
	 * replaced by its default, or by a word where it has none (a secret from the environment).
	 */
	private static Map<String, Object> load(Block block) throws IOException {
		Map<String, Object> properties = new LinkedHashMap<>();
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("docs/guide.md:" + block.line(),
				new ByteArrayResource(block.text().getBytes(StandardCharsets.UTF_8)));
		for (PropertySource<?> source : sources) {
			Map<?, ?> map = (Map<?, ?>) source.getSource();
			map.forEach((key, value) -> properties.put(String.valueOf(key), resolve(String.valueOf(source.getProperty(
					String.valueOf(key))))));
		}
		return properties;
	}

	private static String resolve(String value) {
		Matcher matcher = PLACEHOLDER.matcher(value);
		StringBuilder resolved = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(resolved,
					Matcher.quoteReplacement((matcher.group(2) != null) ? matcher.group(2) : "from-the-environment"));
		}
		matcher.appendTail(resolved);
		return resolved.toString();
	}

	private static Map<String, Class<?>> redisbootPropertiesClasses() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		Map<String, Class<?>> classes = new LinkedHashMap<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.redisboot")) {
			Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
			ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
			String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
			if (prefix.equals("redisboot") || prefix.startsWith("redisboot.")) {
				classes.put(prefix, type);
			}
		}
		return classes;
	}

	/**
	 * Names of every property in the class path's configuration metadata (the starter's
	 * additional metadata included): properties read with {@code @ConditionalOnProperty} or
	 * bound in code, such as {@code redisboot.write-behind.enabled} or
	 * {@code redisboot.cache.redis.*}.
	 */
	private static Set<String> metadataPropertyNames() throws IOException {
		Set<String> names = new HashSet<>();
		JsonMapper mapper = JsonMapper.builder().build();
		Enumeration<URL> resources = GuideExamplesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (resources.hasMoreElements()) {
			try (InputStream in = resources.nextElement().openStream()) {
				JsonNode properties = mapper.readTree(in).path("properties");
				properties.forEach((property) -> names.add(property.path("name").asString()));
			}
		}
		assertThat(names).contains("redisboot.write-behind.enabled", "redisboot.cache.redis.host");
		return names;
	}

	/**
	 * Records the name of every property the binder bound; a map or collection of plain
	 * values (encryption keys by id, a list of paths) covers every name below its own.
	 */
	private static final class Recorder extends AbstractBindHandler {

		private final Set<ConfigurationPropertyName> bound = new HashSet<>();

		private final Set<ConfigurationPropertyName> covering = new HashSet<>();

		@Override
		public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Object result) {
			this.bound.add(name);
			ResolvableType type = target.getType();
			boolean map = Map.class.isAssignableFrom(type.toClass());
			boolean collection = Collection.class.isAssignableFrom(type.toClass()) || type.isArray();
			if ((map && plain(type.asMap().getGeneric(1))) || (collection && plain(type.isArray()
					? type.getComponentType() : type.asCollection().getGeneric(0)))) {
				this.covering.add(name);
			}
			return super.onSuccess(name, target, context, result);
		}

		private static boolean plain(ResolvableType type) {
			Class<?> resolved = type.resolve(Object.class);
			return resolved == Object.class || BeanUtils.isSimpleValueType(resolved);
		}

		boolean covers(ConfigurationPropertyName name) {
			return this.bound.contains(name) || this.covering.stream().anyMatch((parent) -> parent.isAncestorOf(name));
		}

	}

}
