package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MultiVariablesTest {

    /** Records the references it is asked for and finds nothing. */
    private static final class Recording implements Variables {
        final List<VarRef> asked = new ArrayList<>();

        @Override
        public Optional<Object> get(VarRef ref) {
            asked.add(ref);
            return Optional.empty();
        }
    }

    private static final Variables FAILING = ref -> {
        throw new VarsException("fake-err");
    };

    @Test
    void findsNothingWithoutSources() {
        assertThat(MultiVariables.of().get(VarRef.of("a"))).isEmpty();
        assertThat(MultiVariables.of(List.of()).list()).isEmpty();
    }

    @Test
    void findsNothingWhenNoSourceHasTheVar() {
        MultiVariables vars = MultiVariables.of(StaticVariables.of(Map.of("key1", "val")),
                StaticVariables.of(Map.of("key2", "val")));
        assertThat(vars.get(VarRef.of("key3"))).isEmpty();
    }

    @Test
    void stopsAtTheFirstFailure() {
        MultiVariables vars = MultiVariables.of(StaticVariables.of(Map.of("key1", "val")), FAILING);
        assertThatThrownBy(() -> vars.get(VarRef.of("key3"))).isInstanceOf(VarsException.class).hasMessage("fake-err");
    }

    @Test
    void stopsAtTheFirstSourceThatHasTheVarAndPassesTheWholeReference() {
        Recording first = new Recording();
        MultiVariables vars = MultiVariables.of(first, StaticVariables.of(Map.of("key2", "val")), FAILING);
        VarRef ref = VarRef.parse("key2.field");

        assertThat(vars.get(ref)).contains("val");
        assertThat(first.asked).containsExactly(ref);
    }

    @Test
    void listsEverySourcesVarsWithDuplicates() {
        MultiVariables vars = MultiVariables.of(StaticVariables.of(Map.of("a", "1")).withPair("b=2"),
                StaticVariables.of(Map.of("b", "3")).withPair("c=4"));
        assertThat(vars.list()).containsExactly(VarRef.of("a"), VarRef.of("b"), VarRef.of("b"), VarRef.of("c"));
        assertThat(vars.sources()).hasSize(2);
    }

    @Test
    void takesTheWholeVarFromOneSourceWithoutMerging() {
        MultiVariables vars = MultiVariables.of(
                StaticVariables.of(Map.of("creds", Map.of("user", "override"))),
                StaticVariables.of(Map.of("creds", Map.of("user", "base", "pass", "p"))));
        VarInterpolator interpolator = VarInterpolator.create(vars);
        assertThat(interpolator.interpolate("((creds.user))").value()).isEqualTo("override");
        assertThatThrownBy(() -> interpolator.interpolate("((creds.pass))")).isInstanceOf(MissingFieldException.class);
    }
}
