package dev.redisboot;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.redisboot.core.RedisKeyNamer;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the house style (STYLE.md) true for every class under {@code dev.redisboot} that
 * this module ships. Only the module's own compiled main classes are checked, never test
 * classes or other modules on the test class path.
 */
class ArchitectureTests {

	private static final String ROOT_PACKAGE = "dev.redisboot";

	private static final String CORE_PACKAGE = ROOT_PACKAGE + ".core";

	private static final String IMPORTS_LOCATION = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private static final Path MAIN_CLASSES = mainClassesLocation();

	private static final JavaClasses classes = new ClassFileImporter().importPath(MAIN_CLASSES)
		.that(resideInAPackage(ROOT_PACKAGE + ".."));

	@Test
	void autoConfigurationsArePublicAndFinal() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(JavaModifier.FINAL)
			.check(classes);
	}

	@Test
	void everyAutoConfigurationIsRegistered() throws IOException {
		List<String> registered = readAutoConfigurationImports();
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should(beListedIn(registered))
			.because("auto-configurations are only found through " + IMPORTS_LOCATION)
			.check(classes);
	}

	@Test
	void autoConfigurationImportsListOnlyAutoConfigurationsOfThisModule() throws IOException {
		Set<String> autoConfigurations = classes.stream()
			.filter((javaClass) -> javaClass.isAnnotatedWith(AutoConfiguration.class))
			.map(JavaClass::getName)
			.collect(Collectors.toSet());
		assertThat(readAutoConfigurationImports())
			.as("entries of %s that are not @AutoConfiguration classes of this module", IMPORTS_LOCATION)
			.isSubsetOf(autoConfigurations);
	}

	@Test
	void autoConfigurationImportsAreSorted() throws IOException {
		assertThat(readAutoConfigurationImports()).as(IMPORTS_LOCATION).isSorted();
	}

	@Test
	void autoConfigurationImportsHaveNoDuplicates() throws IOException {
		assertThat(readAutoConfigurationImports()).as(IMPORTS_LOCATION).doesNotHaveDuplicates();
	}

	@Test
	void beanMethodsAreNotConditionalOnClass() {
		methods().that()
			.areAnnotatedWith(Bean.class)
			.should()
			.notBeMetaAnnotatedWith(ConditionalOnClass.class)
			.because("a @Bean method's signature is introspected before its conditions; "
					+ "put @ConditionalOnClass on the class or a nested @Configuration")
			.check(classes);
	}

	@Test
	void beanMethodsAreNotPublic() {
		methods().that()
			.areAnnotatedWith(Bean.class)
			.should()
			.notBePublic()
			.because("@Bean methods of auto-configurations are package-private")
			.check(classes);
	}

	@Test
	void configurationPropertiesLiveInAutoconfigurePackages() {
		classes().that()
			.areAnnotatedWith(ConfigurationProperties.class)
			.should()
			.resideInAPackage(ROOT_PACKAGE + "..autoconfigure")
			.because("a feature's wiring and its properties live together in its autoconfigure package")
			.check(classes);
	}

	@Test
	void everyPackageIsNullMarked() {
		classes().should(resideInANullMarkedPackage()).check(classes);
	}

	@Test
	void featuresDependOnEachOtherOnlyThroughCore() {
		// Each dev.redisboot.<feature> package tree is a slice; core is one too, so this
		// also keeps core free of feature dependencies
		slices().matching(ROOT_PACKAGE + ".(*)..")
			.namingSlices("feature '$1'")
			.should()
			.notDependOnEachOther()
			.ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage(CORE_PACKAGE + ".."))
			.ignoreDependency(resideInAPackage(ROOT_PACKAGE + ".schedule.."), streamApiForSchedules())
			.ignoreDependency(resideInAPackage(ROOT_PACKAGE + ".writebehind.."), streamApiForWriteBehind())
			.because("a feature uses another feature only through dev.redisboot.core, except that recurring "
					+ "jobs and write-behind caching enqueue through the job queue's public API (docs/design.md)")
			.check(classes);
	}

	@Test
	void runtimePackagesNeverDependOnAutoConfigurePackages() {
		// the auto-configuration builds the runtime from properties; the runtime, used alone
		// (a builder in a test, a bean the application declares), must not need it
		noClasses().that()
			.resideOutsideOfPackage(ROOT_PACKAGE + "..autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(ROOT_PACKAGE + "..autoconfigure..")
			.because("runtime packages are usable without their auto-configuration")
			.check(classes);
	}

	/**
	 * The stream types that {@code dev.redisboot.schedule} may use: the job queue, its
	 * annotation and a job's status, and, for the auto-configuration, the jobs' properties and auto-configuration.
	 */
	private static DescribedPredicate<JavaClass> streamApiForSchedules() {
		Set<String> allowed = Set.of("dev.redisboot.stream.JobQueue", "dev.redisboot.stream.JobHandler",
				"dev.redisboot.stream.JobStatus", "dev.redisboot.stream.JobState",
				"dev.redisboot.stream.autoconfigure.RedisbootJobProperties",
				"dev.redisboot.stream.autoconfigure.RedisbootJobProperties$Schedule",
				"dev.redisboot.stream.autoconfigure.RedisbootJobProperties$MissedFires",
				"dev.redisboot.stream.autoconfigure.RedisbootStreamProperties",
				"dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration");
		return DescribedPredicate.describe("the job queue's public API", (javaClass) -> allowed.contains(javaClass.getName()));
	}

	/**
	 * The stream types that {@code dev.redisboot.writebehind} may use: the job queue, its
	 * annotation and a job's delivery, and, for the auto-configuration, the jobs' properties
	 * and auto-configuration. It puts values through Spring's {@code Cache}, never through
	 * {@code dev.redisboot.cache}.
	 */
	private static DescribedPredicate<JavaClass> streamApiForWriteBehind() {
		Set<String> allowed = Set.of("dev.redisboot.stream.JobQueue", "dev.redisboot.stream.JobHandler",
				"dev.redisboot.stream.StreamDelivery", "dev.redisboot.stream.autoconfigure.RedisbootJobProperties",
				"dev.redisboot.stream.autoconfigure.RedisbootStreamProperties",
				"dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration");
		return DescribedPredicate.describe("the job queue's public API", (javaClass) -> allowed.contains(javaClass.getName()));
	}

	private static ArchCondition<JavaClass> beListedIn(List<String> registered) {
		return new ArchCondition<>("be listed in " + IMPORTS_LOCATION) {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				boolean listed = registered.contains(javaClass.getName());
				events.add(new SimpleConditionEvent(javaClass, listed,
						javaClass.getName() + (listed ? " is" : " is not") + " listed in " + IMPORTS_LOCATION));
			}

		};
	}

	private static ArchCondition<JavaClass> resideInANullMarkedPackage() {
		return new ArchCondition<>("reside in a package whose package-info is annotated with @NullMarked") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				JavaPackage javaPackage = javaClass.getPackage();
				boolean nullMarked = javaPackage.tryGetPackageInfo()
					.map((packageInfo) -> packageInfo.isAnnotatedWith(NullMarked.class))
					.orElse(false);
				events.add(new SimpleConditionEvent(javaClass, nullMarked, "package " + javaPackage.getName() + " of "
						+ javaClass.getName() + (nullMarked ? " is" : " is not") + " @NullMarked in its package-info"));
			}

		};
	}

	private static List<String> readAutoConfigurationImports() throws IOException {
		Path imports = MAIN_CLASSES.resolve(IMPORTS_LOCATION);
		assertThat(imports).as("this module's " + IMPORTS_LOCATION).exists();
		// Same format as Boot's ImportCandidates: '#' starts a comment, blank lines ignored
		return Files.readAllLines(imports, StandardCharsets.UTF_8)
			.stream()
			.map((line) -> {
				int comment = line.indexOf('#');
				return ((comment >= 0) ? line.substring(0, comment) : line).trim();
			})
			.filter((line) -> !line.isEmpty())
			.toList();
	}

	private static Path mainClassesLocation() {
		try {
			return Path.of(RedisKeyNamer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
