package dev.concourse.db.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps concourse-db's API ({@code dev.concourse.db}) free of Hibernate, JPA, Liquibase and driver
 * types, and its internals out of reach of core.
 */
class DbArchitectureTest {
    private static final Set<String> THIRD_PARTY = Set.of("org.hibernate", "jakarta.persistence", "liquibase",
            "org.postgresql", "org.h2", "com.zaxxer", "tools.jackson");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.concourse.db");
    }

    @Test
    void publicSignaturesOfTheApiUseNoInternalOrThirdPartyTypes() {
        ArchRuleDefinition.methods()
                .that().areDeclaredInClassesThat(api())
                .and().arePublic()
                .should(exposeOnlyOwnOrJdkTypes())
                .check(classes);
    }

    @Test
    void theApiReachesHibernateAndLiquibaseOnlyThroughInternals() {
        noClasses().that().resideInAPackage("dev.concourse.db")
                .should().dependOnClassesThat().resideInAnyPackage("org.hibernate..", "jakarta.persistence..",
                        "liquibase..")
                .check(classes);
    }

    @Test
    void internalsDoNotDependOnTheApi() {
        noClasses().that().resideInAPackage("dev.concourse.db.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.concourse.db")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> api() {
        return DescribedPredicate.describe("public classes of dev.concourse.db",
                c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getPackageName().equals("dev.concourse.db"));
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
                boolean internal = name.contains(".internal.");
                boolean thirdParty = THIRD_PARTY.stream().anyMatch(name::startsWith);
                if (internal || thirdParty) {
                    events.add(SimpleConditionEvent.violated(method,
                            method.getFullName() + " exposes " + name + " in its signature"));
                }
            }
        };
    }
}
