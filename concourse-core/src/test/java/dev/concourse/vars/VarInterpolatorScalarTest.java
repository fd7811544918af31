package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scalar-level entry points a caller uses while walking its own tree. */
class VarInterpolatorScalarTest {

    private static final StaticVariables VARS = StaticVariables.of(Map.of(
            "x", "1",
            "port", 8080,
            "creds", Map.of("user", "admin"),
            "flag", true));

    @Test
    void reportsTheMissingReferencesOfEachScalar() {
        VarInterpolator interpolator = VarInterpolator.create(VARS);

        InterpolatedScalar first = interpolator.interpolate("((a))-((x))-((b.c))-((a))");
        InterpolatedScalar second = interpolator.interpolate("host:((port))");

        assertThat(first.value()).isEqualTo("((a))-1-((b.c))-((a))");
        assertThat(first.missing()).containsExactly(VarRef.of("a"), new VarRef(null, "b", List.of("c")));
        assertThat(first.complete()).isFalse();
        assertThat(second.value()).isEqualTo("host:8080");
        assertThat(second.missing()).isEmpty();
        assertThat(second.complete()).isTrue();
    }

    @Test
    void accumulatesUsedAndMissingNamesOverTheRun() {
        VarInterpolator interpolator = VarInterpolator.create(MultiVariables.of(VARS,
                NamedVariables.of(Map.of("vault", StaticVariables.of(Map.of("token", "t")), ".", StaticVariables.empty()))));

        interpolator.interpolate("((creds.user)) ((zeta))");
        interpolator.interpolate("((vault:token)) ((vault:nope.field)) ((.:local))");
        interpolator.interpolate("((zeta))");

        assertThat(interpolator.usedVarNames())
                .containsExactly(".:local", "creds", "vault:nope", "vault:token", "zeta");
        assertThat(interpolator.missingVarNames()).containsExactly(".:local", "vault:nope.field", "zeta");
    }

    @Test
    void verifiesOnlyWhatTheOptionsAskFor() {
        VarInterpolator lenient = VarInterpolator.create(VARS);
        lenient.interpolate("((missing))");
        lenient.verify();
        assertThat(lenient.unusedVarNames()).containsExactly("creds", "flag", "port", "x");

        VarInterpolator strict = VarInterpolator.create(VARS, InterpolationOptions.defaults().withExpectAllKeys(true));
        strict.interpolate("((missing))");
        strict.interpolate("((also.missing))");
        assertThatThrownBy(strict::verify).isInstanceOf(UndefinedVarsException.class)
                .hasMessage("undefined vars: also.missing, missing");
    }

    @Test
    void checksUnusedVarsAgainstEverythingInterpolatedSoFar() {
        VarInterpolator interpolator = VarInterpolator.create(VARS,
                InterpolationOptions.defaults().withExpectAllVarsUsed(true));
        interpolator.interpolate("((x))");
        interpolator.interpolate("((port))");
        assertThat(interpolator.unusedVarNames()).containsExactly("creds", "flag");
        assertThatThrownBy(interpolator::verify).hasMessage("unused vars: creds, flag");
        interpolator.interpolate("((creds.user))");
        interpolator.interpolate("((flag))");
        interpolator.verify();
    }

    @Test
    void keepsTheTypeOfAWholeReference() {
        VarInterpolator interpolator = VarInterpolator.create(VARS);
        assertThat(interpolator.interpolate("((creds))").value()).isEqualTo(Map.of("user", "admin"));
        assertThat(interpolator.interpolate("((port))").value()).isEqualTo(8080);
        assertThat(interpolator.interpolate("((flag))").value()).isEqualTo(true);
        assertThat(interpolator.interpolate("no refs").value()).isEqualTo("no refs");
    }

    @Test
    void returnsNullForAVarDefinedAsNull() {
        Map<String, Object> values = new HashMap<>();
        values.put("nothing", null);
        StaticVariables vars = StaticVariables.of(values);
        assertThat(vars.get(VarRef.of("nothing"))).contains(Variables.NULL);
        InterpolatedScalar result = VarInterpolator.create(vars).interpolate("((nothing))");
        assertThat(result.value()).isNull();
        assertThat(result.complete()).isTrue();
    }

    @Test
    void turnsScalarKeysIntoText() {
        Map<String, Object> values = new HashMap<>();
        values.put("n", 42L);
        values.put("b", false);
        values.put("z", null);
        values.put("f", 2.50);
        values.put("m", Map.of());
        values.put("l", List.of());
        VarInterpolator interpolator = VarInterpolator.create(StaticVariables.of(values));
        assertThat(interpolator.interpolateKey("((n))").value()).isEqualTo("42");
        assertThat(interpolator.interpolateKey("((b))").value()).isEqualTo("false");
        assertThat(interpolator.interpolateKey("((z))").value()).isEqualTo("null");
        assertThat(interpolator.interpolateKey("((f))").value()).isEqualTo("2.5");
        assertThat(interpolator.interpolateKey("((n))_suffix").value()).isEqualTo("42_suffix");
        InterpolatedScalar missing = interpolator.interpolateKey("((nope))");
        assertThat(missing.value()).isEqualTo("((nope))");
        assertThat(missing.missing()).containsExactly(VarRef.of("nope"));
        assertThatThrownBy(() -> interpolator.interpolateKey("((m))")).isInstanceOf(InvalidInterpolationException.class)
                .hasMessageStartingWith("cannot use non-primitive value (map) from var: m as a map key");
        assertThatThrownBy(() -> interpolator.interpolateKey("((l))")).isInstanceOf(InvalidInterpolationException.class)
                .hasMessageStartingWith("cannot use non-primitive value (list) from var: l as a map key");
    }

    @Test
    void sharesTheSubstitutionRulesWithTheTreeEvaluation() {
        Map<String, Object> tree = Map.of("url", "https://((x)):((port))", "user", "((creds.user))", "k((x))", "v");
        VarInterpolator walker = VarInterpolator.create(VARS);
        Object viaTree = VarInterpolator.evaluate(tree, VARS, InterpolationOptions.defaults());
        assertThat(viaTree).isEqualTo(Map.of(
                "url", walker.interpolate("https://((x)):((port))").value(),
                "user", walker.interpolate("((creds.user))").value(),
                walker.interpolateKey("k((x))").value(), "v"));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> VarInterpolator.create(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> VarInterpolator.create(VARS).interpolate(null)).isInstanceOf(NullPointerException.class);
    }
}
