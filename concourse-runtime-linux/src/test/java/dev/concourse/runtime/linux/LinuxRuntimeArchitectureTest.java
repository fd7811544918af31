package dev.concourse.runtime.linux;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps concourse-runtime-linux's public API free of internal and third-party types, its use of
 * core's internals to the tar format, and its internal packages free of cycles.
 */
class LinuxRuntimeArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.concourse.runtime.linux");
    }

    @Test
    void publicSignaturesUseNoInternalOrThirdPartyTypes() {
        ArchRuleDefinition.methods()
                .that().areDeclaredInClassesThat().resideInAPackage("dev.concourse.runtime.linux")
                .and().areDeclaredInClassesThat().haveModifier(JavaModifier.PUBLIC)
                .and().arePublic()
                .should(new ArchCondition<>("expose only dev.concourse API/SPI and JDK types") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        check(method, method.getRawReturnType(), events);
                        method.getRawParameterTypes().forEach(t -> check(method, t, events));
                    }

                    private void check(JavaMethod method, JavaClass type, ConditionEvents events) {
                        String name = (type.isArray() ? type.getBaseComponentType() : type).getName();
                        boolean own = name.startsWith("dev.concourse.") && !name.contains(".internal.");
                        boolean jdk = name.startsWith("java.") || !name.contains(".");
                        if (!own && !jdk) {
                            events.add(SimpleConditionEvent.violated(method,
                                    method.getFullName() + " exposes " + name + " in its signature"));
                        }
                    }
                })
                .check(classes);
    }

    @Test
    void onlyInternalsUseNativeAccessAndProcessLibraries() {
        noClasses().that().resideInAPackage("dev.concourse.runtime.linux")
                .should().dependOnClassesThat().resideInAnyPackage("jnr..", "org.apache.commons.exec..")
                .check(classes);
    }

    @Test
    void usesNoCoreInternalsButTheTarFormat() {
        noClasses().that().resideInAPackage("dev.concourse.runtime.linux..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "core internals other than dev.concourse.internal.runtime.tar",
                        c -> c.getPackageName().startsWith("dev.concourse.internal.")
                                && !c.getPackageName().equals("dev.concourse.internal.runtime.tar")))
                .check(classes);
    }

    @Test
    void internalPackagesHaveNoCycles() {
        slices().matching("dev.concourse.runtime.linux.internal.(**)").should().beFreeOfCycles().check(classes);
    }
}
