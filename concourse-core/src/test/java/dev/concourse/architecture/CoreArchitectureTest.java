package dev.concourse.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps concourse-core's API, SPI and internals apart, and its packages free of cycles. */
class CoreArchitectureTest {
    private static final Set<String> THIRD_PARTY = Set.of("org.snakeyaml", "tools.jackson", "com.fasterxml",
            "org.slf4j");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.concourse");
    }

    @Test
    void apiAndSpiSignaturesUseNoInternalOrThirdPartyTypes() {
        ArchRuleDefinition.methods()
                .that().areDeclaredInClassesThat(publicApiOrSpi())
                .and().arePublic()
                .should(exposeOnlyOwnOrJdkTypes())
                .check(classes);
    }

    @Test
    void spiDoesNotDependOnInternals() {
        noClasses().that().resideInAPackage("dev.concourse.spi..")
                .should().dependOnClassesThat().resideInAPackage("dev.concourse.internal..")
                .allowEmptyShould(true)
                .check(classes);
    }

    /**
     * An area is an API package together with its internals ({@code dev.concourse.config} and
     * {@code dev.concourse.internal.config..}): the API delegates to its internals and internals
     * build API types, but areas must not depend on each other in a cycle.
     */
    @Test
    void areasHaveNoCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                if (!pkg.startsWith("dev.concourse.")) {
                    return SliceIdentifier.ignore();
                }
                String[] parts = pkg.substring("dev.concourse.".length()).replaceFirst("^internal\\.", "").split("\\.");
                return SliceIdentifier.of(parts[0].equals("spi") && parts.length > 1 ? "spi." + parts[1] : parts[0]);
            }

            @Override
            public String getDescription() {
                return "areas of dev.concourse";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    @Test
    void internalPackagesHaveNoCycles() {
        slices().matching("dev.concourse.internal.(**)").should().beFreeOfCycles().check(classes);
    }

    private static DescribedPredicate<JavaClass> publicApiOrSpi() {
        return DescribedPredicate.describe("public API or SPI classes",
                c -> c.getModifiers().contains(JavaModifier.PUBLIC)
                        && !c.getPackageName().startsWith("dev.concourse.internal"));
    }

    private static ArchCondition<JavaMethod> exposeOnlyOwnOrJdkTypes() {
        return new ArchCondition<>("expose only dev.concourse API/SPI and JDK types") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                check(method, method.getRawReturnType(), events);
                method.getRawParameterTypes().forEach(t -> check(method, t, events));
            }

            private void check(JavaMethod method, JavaClass type, ConditionEvents events) {
                JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
                String name = base.getName();
                boolean internal = name.startsWith("dev.concourse.internal.");
                boolean thirdParty = THIRD_PARTY.stream().anyMatch(name::startsWith);
                if (internal || thirdParty) {
                    events.add(SimpleConditionEvent.violated(method,
                            method.getFullName() + " exposes " + name + " in its signature"));
                }
            }
        };
    }
}
