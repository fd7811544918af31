package dev.concourse.internal.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildEnvironmentTest {

    @Test
    void everyVariableInConcoursesOrder() {
        Map<String, Object> instanceVars = new LinkedHashMap<>();
        instanceVars.put("branch", "feature/x y");
        instanceVars.put("cfg", Map.of("a.b", 1));

        BuildEnvironment env = new BuildEnvironment(42, "7.1", 1, "main", 3, "unit", 2, "ci", instanceVars,
                "https://ci.example.com", "alice", "failed");

        assertThat(env.variables()).containsExactly(
                Map.entry("BUILD_STATUS", "failed"),
                Map.entry("BUILD_ID", "42"),
                Map.entry("BUILD_NAME", "7.1"),
                Map.entry("BUILD_TEAM_ID", "1"),
                Map.entry("BUILD_TEAM_NAME", "main"),
                Map.entry("BUILD_JOB_ID", "3"),
                Map.entry("BUILD_JOB_NAME", "unit"),
                Map.entry("BUILD_PIPELINE_ID", "2"),
                Map.entry("BUILD_PIPELINE_NAME", "ci"),
                Map.entry("BUILD_PIPELINE_INSTANCE_VARS", "{\"branch\":\"feature/x y\",\"cfg\":{\"a.b\":1}}"),
                Map.entry("ATC_EXTERNAL_URL", "https://ci.example.com"),
                Map.entry("BUILD_URL", "https://ci.example.com/teams/main/pipelines/ci/jobs/unit/builds/7.1"
                        + "?vars.branch=%22feature%2Fx+y%22&vars.cfg.%22a.b%22=1"),
                Map.entry("BUILD_URL_SHORT", "https://ci.example.com/builds/42"),
                Map.entry("BUILD_CREATED_BY", "alice"));
    }

    @Test
    void zeroAndEmptyValuesAreLeftOutAndAOneOffBuildHasOnlyTheShortUrl() {
        BuildEnvironment oneOff = new BuildEnvironment(9, "9", 0, "main", 0, null, 0, null, Map.of(),
                "https://ci.example.com", null, null);

        assertThat(oneOff.variables()).containsExactly(
                Map.entry("BUILD_ID", "9"),
                Map.entry("BUILD_NAME", "9"),
                Map.entry("BUILD_TEAM_NAME", "main"),
                Map.entry("ATC_EXTERNAL_URL", "https://ci.example.com"),
                Map.entry("BUILD_URL", "https://ci.example.com/builds/9"),
                Map.entry("BUILD_URL_SHORT", "https://ci.example.com/builds/9"));
        assertThat(new BuildEnvironment(9, "9", 0, "main", 0, null, 0, null, Map.of(), null, null, null).variables())
                .containsOnlyKeys("BUILD_ID", "BUILD_NAME", "BUILD_TEAM_NAME");
    }

    @Test
    void queryEscapingIsGos() {
        assertThat(BuildEnvironment.queryEscape("a-b_c.d~e f/g*h\"é")).isEqualTo("a-b_c.d~e+f%2Fg%2Ah%22%C3%A9");
    }
}
