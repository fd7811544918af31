package dev.concourse.internal.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"something", "ひらがな", "some_thing", "1something", "1_min", "a.b-c_d"})
    void valid(String identifier) {
        assertThat(Identifiers.check(identifier, List.of("jobs.x"))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-something | must start with a lowercase letter or a number",
        ".something | must start with a lowercase letter or a number",
        "Something  | must start with a lowercase letter or a number",
        "_something | must start with a lowercase letter or a number",
        "'some thing' | illegal character ' '",
        "someThing  | illegal character 'T'",
        "12345      | cannot be just numbers",
    })
    void invalidIsAWarning(String identifier, String reason) {
        Identifiers.Problem problem = Identifiers.check(identifier, List.of("pipeline"));

        assertThat(problem.isError()).isFalse();
        assertThat(problem.message()).isEqualTo("'" + identifier + "' is not a valid identifier: " + reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void emptyIsAnError(String identifier) {
        assertThat(Identifiers.check(identifier, List.of()))
                .isEqualTo(new Identifiers.Problem(true, "identifier cannot be an empty string"));
        assertThat(Identifiers.check(null, List.of(".across", ".task()")))
                .isEqualTo(new Identifiers.Problem(true, "identifier cannot be an empty string"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ".task(running-((.:name))) | ((.:name))",
        ".set_pipeline(((.:name))) | running-((.:name))",
    })
    void templatedNamesDirectlyUnderAcrossAreSkipped(String segment, String identifier) {
        assertThat(Identifiers.check(identifier, List.of("jobs.j.plan", ".across", segment))).isNull();
        assertThat(Identifiers.check(identifier, List.of("jobs.j.plan", ".do", segment))).isNotNull();
    }
}
