package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class VarRefTest {

    static Stream<Arguments> validReferences() {
        return Stream.of(
                Arguments.of("hello", new VarRef(null, "hello", List.of())),
                Arguments.of("hello.a.b", new VarRef(null, "hello", List.of("a", "b"))),
                Arguments.of("\"hello.world\".\"a.b\".\"foo:bar\"",
                        new VarRef(null, "hello.world", List.of("a.b", "foo:bar"))),
                Arguments.of("\"hello.world\".a.\"foo:bar\"", new VarRef(null, "hello.world", List.of("a", "foo:bar"))),
                Arguments.of("source:hello", new VarRef("source", "hello", List.of())),
                Arguments.of("\"my:path\".\"field.1\".\"field.2\"",
                        new VarRef(null, "my:path", List.of("field.1", "field.2"))),
                Arguments.of("hello .world ", new VarRef(null, "hello", List.of("world"))),
                Arguments.of("\" hello \".\"world \"", new VarRef(null, " hello ", List.of("world "))),
                Arguments.of(".:foo", new VarRef(".", "foo", List.of())),
                Arguments.of(":foo", new VarRef(null, "foo", List.of())),
                Arguments.of("/concourse/main/secret", new VarRef(null, "/concourse/main/secret", List.of())),
                Arguments.of("vault:\"my.secret\".\"field:1\"", new VarRef("vault", "my.secret", List.of("field:1"))),
                Arguments.of("\"foo/bar/me.com-test@me.com/password\"",
                        new VarRef(null, "foo/bar/me.com-test@me.com/password", List.of())),
                Arguments.of("((creds.user))", new VarRef(null, "creds", List.of("user"))));
    }

    @ParameterizedTest
    @MethodSource("validReferences")
    void parsesLikeConcourse(String text, VarRef expected) {
        assertThat(VarRef.parse(text)).isEqualTo(expected);
    }

    @Test
    void rejectsAQuotedSource() {
        assertThatThrownBy(() -> VarRef.parse("\"some-source\":path"))
                .isInstanceOfSatisfying(InvalidVarRefException.class, e -> {
                    assertThat(e.getMessage()).startsWith("invalid var '\"some-source\":path': source must not be quoted; ");
                    assertThat(e.reference()).isEqualTo("\"some-source\":path");
                    assertThat(e.problem()).isEqualTo("source must not be quoted");
                })
                .isInstanceOf(dev.concourse.ConcourseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vault:.field", "vault:\"\".field", "vault:", "a..b", "a.", "", "\"\""})
    void rejectsEmptySegments(String text) {
        assertThatThrownBy(() -> VarRef.parse(text))
                .isInstanceOf(InvalidVarRefException.class)
                .hasMessageStartingWith("invalid var '" + text + "': empty field; ")
                .hasMessageContaining("quote names that contain dots");
    }

    static Stream<Arguments> displayNames() {
        return Stream.of(
                Arguments.of(new VarRef(null, "hello", List.of()), "hello"),
                Arguments.of(new VarRef(null, "hello", List.of("a", "b")), "hello.a.b"),
                Arguments.of(new VarRef(null, "hello.world", List.of("a.b", "foo:bar")), "\"hello.world\".\"a.b\".\"foo:bar\""),
                Arguments.of(new VarRef(null, "hello.world", List.of("a", "foo:bar", "other field", "another/field")),
                        "\"hello.world\".a.\"foo:bar\".\"other field\".\"another/field\""),
                Arguments.of(new VarRef("source", "hello", List.of()), "source:hello"),
                Arguments.of(new VarRef(".", "x", List.of()), ".:x"),
                Arguments.of(new VarRef(null, "a,b", List.of()), "\"a,b\""));
    }

    @ParameterizedTest
    @MethodSource("displayNames")
    void printsLikeConcourseAndRoundTrips(VarRef ref, String expected) {
        assertThat(ref.displayName()).isEqualTo(expected);
        assertThat(ref).hasToString("((" + expected + "))");
        assertThat(VarRef.parse(ref.toString())).isEqualTo(ref);
        assertThat(VarRef.parse(ref.displayName())).isEqualTo(ref);
    }

    @Test
    void treatsAnEmptySourceAsNone() {
        assertThat(new VarRef("", "a", List.of())).isEqualTo(VarRef.of("a"));
        assertThat(new VarRef("", "a", List.of()).source()).isNull();
    }

    @Test
    void copiesItsFields() {
        List<String> fields = new ArrayList<>(List.of("a"));
        VarRef ref = new VarRef(null, "p", fields);
        fields.add("b");
        assertThat(ref.fields()).containsExactly("a");
        assertThatThrownBy(() -> ref.fields().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void dropsOnlyTheSource() {
        VarRef ref = VarRef.parse("vault:creds.user");
        assertThat(ref.withoutSource()).isEqualTo(new VarRef(null, "creds", List.of("user")));
        assertThat(VarRef.of("x").withoutSource()).isEqualTo(VarRef.of("x"));
    }
}
