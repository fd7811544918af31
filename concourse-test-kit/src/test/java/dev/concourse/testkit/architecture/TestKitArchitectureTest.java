package dev.concourse.testkit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test kit is a user of the engine like any other: it reaches the engine through its public API
 * and SPIs only, so what it does, users' own harnesses and runtimes can do too.
 */
class TestKitArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.concourse.testkit");
    }

    @Test
    void usesNoInternalsOfTheEngine() {
        noClasses().that().resideInAPackage("dev.concourse.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.concourse.internal..")
                .check(classes);
    }

    @Test
    void thePipelineTestKitAndTheConformanceKitsStayApart() {
        noClasses().that().resideInAPackage("dev.concourse.testkit.conformance..")
                .should().dependOnClassesThat().resideInAPackage("dev.concourse.testkit")
                .check(classes);
    }
}
