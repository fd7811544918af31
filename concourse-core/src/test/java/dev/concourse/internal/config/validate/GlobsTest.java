package dev.concourse.internal.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GlobsTest {

    @ParameterizedTest
    @CsvSource({
        "unit-*, unit-linux, true",
        "unit-*, unit-, true",
        "unit-*, deploy, false",
        "*, a/b, true",
        "**, anything, true",
        "unit-?, unit-1, true",
        "unit-?, unit-12, false",
        "[abc]-job, b-job, true",
        "[!abc]-job, b-job, false",
        "[!abc]-job, d-job, true",
        "job-[0-9], job-7, true",
        "job-[!0-9], job-7, false",
        "'{unit,integration}-*', integration-linux, true",
        "'{unit,integration}-*', smoke-linux, false",
        "'a,b', 'a,b', true",
        "'x}', 'x}', true",
        "'\\*', '*', true",
        "'\\*', 'a', false",
    })
    void groupGlobs(String glob, String name, boolean matches) {
        assertThat(GroupGlob.compile(glob)).hasValueSatisfying(p -> assertThat(p.matcher(name).matches()).isEqualTo(matches));
    }

    @ParameterizedTest
    @ValueSource(strings = {"some-bad-glob-[0-9", "[]", "[!]", "[a-z0-9]", "[z-a]", "[abc"})
    void invalidGroupGlobs(String glob) {
        assertThat(GroupGlob.compile(glob)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"unit, true", "'a,b}', true", "'x]', true", "unit-*, false", "unit-?, false", "'{a,b}', false",
        "'[ab]', false", "'a\\b', false"})
    void literalGroupGlobs(String glob, boolean literal) {
        assertThat(GroupGlob.isLiteral(glob)).isEqualTo(literal);
    }

    @ParameterizedTest
    @CsvSource({
        "unit-*, unit-linux, true",
        "*, a/b, false",
        "deploy/*, deploy/prod, true",
        "unit-?, unit-1, true",
        "job-[0-9], job-7, true",
        "job-[^0-9], job-7, false",
        "job-[a-c0-9], job-7, true",
        "'job-\\*', job-*, true",
        "job, job, true",
        "job, jobs, false",
        "*-job, some-job, true",
        "*-job, some-job-x, false",
        "a*b*c, axxbyyc, true",
        "some-bad-glob-[0-9, some-bad-glob-1, false",
        "'[', '[', false",
    })
    void passedGlobs(String glob, String name, boolean matches) {
        assertThat(PassedGlob.matches(glob, name)).isEqualTo(matches);
    }
}
