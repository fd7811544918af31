package dev.concourse.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmarks where {@code RunAll} finds them and their reach into the engine's
 * internals visible: only benchmark classes themselves may use them (each says why in its
 * comment); the histories, baselines and the report use the public API and SPIs.
 */
class BenchmarksArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/jmh_generated/"))
                .importPackages("dev.concourse.benchmarks");
    }

    @Test
    void benchmarksArePublicAndLiveInAnAreaPackage() {
        classes().that().haveSimpleNameEndingWith("Benchmark").and().areTopLevelClasses()
                .should().bePublic()
                .andShould().resideInAPackage("dev.concourse.benchmarks.*")
                .check(classes);
    }

    @Test
    void onlyBenchmarkClassesUseTheEngineInternals() {
        noClasses().that().haveSimpleNameNotEndingWith("Benchmark")
                .and().areTopLevelClasses()
                .should().dependOnClassesThat().resideInAnyPackage("dev.concourse.internal..",
                        "dev.concourse.db.internal..")
                .check(classes);
    }

    @Test
    void areasHaveNoCycles() {
        slices().matching("dev.concourse.benchmarks.(*)..").should().beFreeOfCycles().check(classes);
    }
}
