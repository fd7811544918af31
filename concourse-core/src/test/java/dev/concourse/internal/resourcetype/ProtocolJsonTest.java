package dev.concourse.internal.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {

    @Test
    void theRequestLeavesOutEmptyParamsAndVersionButNeverTheSource() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("b", null);
        withNull.put("a", Map.of("y", 2.5, "x", List.of("s")));

        assertThat(request(Map.of(), Map.of(), null)).isEqualTo("{\"source\":{}}");
        assertThat(request(withNull, Map.of("p", true), Version.of("ref", "abc")))
                .isEqualTo("{\"source\":{\"a\":{\"x\":[\"s\"],\"y\":2.5},\"b\":null},\"params\":{\"p\":true},"
                        + "\"version\":{\"ref\":\"abc\"}}");
        assertThat(request(Map.of(), Map.of(), new Version(Map.of()))).isEqualTo("{\"source\":{}}");
    }

    @Test
    void checkOutputIsAnArrayOfStringVersionsWithNullMeaningNone() {
        assertThat(versions("[{\"ref\":\"a\",\"n\":null},{\"ref\":\"b\"}]"))
                .containsExactly(new Version(Map.of("ref", "a", "n", "")), Version.of("ref", "b"));
        assertThat(versions("  null  ")).isEmpty();
        assertThat(versions("\n\t ")).isEmpty();
        assertThat(versions("[]")).isEmpty();
        assertThatThrownBy(() -> versions("[null]")).isInstanceOf(ResourceException.class)
                .hasMessageStartingWith("resource script 'check' printed a null version (at index 0)");
        assertThatThrownBy(() -> versions("[{\"ref\":{\"nested\":\"x\"}}]"))
                .hasMessageStartingWith("resource script 'check' printed an object as its version at index 0 field "
                        + "'ref', which must be a string");
        assertThatThrownBy(() -> versions("[\"ref\"]"))
                .hasMessageStartingWith("resource script 'check' printed a string as its version at index 0");
    }

    @Test
    void getOutputHasAVersionAndOptionalMetadata() {
        assertThat(ProtocolJson.result(bytes("{\"version\":{\"v\":\"1\"}}"), "in"))
                .isEqualTo(ResourceResult.of(Version.of("v", "1")));
        assertThat(ProtocolJson.result(bytes("{\"version\":{},\"metadata\":[{\"name\":\"a\"},null,"
                + "{\"name\":\"b\",\"value\":\"c\"}]}"), "in"))
                .isEqualTo(new ResourceResult(new Version(Map.of()), List.of(new MetadataField("a", ""),
                        new MetadataField("b", "c"))));
        assertThatThrownBy(() -> ProtocolJson.result(bytes("{\"version\":{\"v\":\"1\"},\"metadata\":{}}"), "in"))
                .hasMessageStartingWith("resource script 'in' printed an object as its metadata");
        assertThatThrownBy(() -> ProtocolJson.result(bytes("{\"version\":{\"v\":\"1\"},\"metadata\":[{\"name\":1}]}"),
                "in")).hasMessageStartingWith("resource script 'in' printed a number as its metadata field 0 name");
        assertThatThrownBy(() -> ProtocolJson.result(bytes("[]"), "in"))
                .hasMessageStartingWith("resource script 'in' printed an array where {\"version\": {...}, "
                        + "\"metadata\": [...]} belongs");
    }

    @Test
    void quotedOutputIsCutAt200CharactersAndEscaped() {
        char[] many = new char[300];
        Arrays.fill(many, 'z');

        assertThat(ProtocolJson.quote(bytes("a\"b\\c\nd\u0001"))).isEqualTo("\"a\\\"b\\\\c\\nd\\x01\"");
        assertThat(ProtocolJson.quote(bytes(new String(many)))).isEqualTo("\"" + "z".repeat(200) + "\"...");
    }

    private static String request(Map<String, Object> source, Map<String, Object> params, Version version) {
        return new String(ProtocolJson.request(source, params, version), StandardCharsets.UTF_8);
    }

    private static List<Version> versions(String stdout) {
        return ProtocolJson.versions(bytes(stdout), "check");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
