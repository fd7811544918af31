package dev.concourse.internal.resourcetype;

import dev.concourse.internal.config.Frozen;
import dev.concourse.vars.VarRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The build metadata a {@code get} or {@code put} gets in its environment, computed as Concourse's
 * {@code StepMetadata.Env()} ({@code atc/exec/step_metadata.go}): a variable is left out when its
 * value is zero or empty; {@code BUILD_URL} and {@code BUILD_URL_SHORT} need the external URL and
 * the build id, and {@code BUILD_URL} is the long form only when team, pipeline, job and build name
 * are all known (with the instance vars as {@code ?vars.k=v} query). Checks get none of it.
 *
 * @param buildId              the build's id, 0 if none
 * @param buildName            {@code 12}, {@code 12.1}; null if none
 * @param teamId               0 if unknown
 * @param teamName             null if none
 * @param jobId                0 for one-off builds
 * @param jobName              null for one-off builds
 * @param pipelineId           0 if none
 * @param pipelineName         null for one-off builds
 * @param pipelineInstanceVars the pipeline's instance vars, empty if none
 * @param externalUrl          the engine's external URL, or null
 * @param createdBy            who created the build, only given when the resource has
 *                             {@code expose_build_created_by} (and only to put steps); else null
 * @param buildStatus          the build's status, only inside hooks; else null
 */
public record BuildEnvironment(long buildId, String buildName, long teamId, String teamName, long jobId,
        String jobName, long pipelineId, String pipelineName, Map<String, Object> pipelineInstanceVars,
        String externalUrl, String createdBy, String buildStatus) {

    // Go's json.Marshal sorts map keys.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    public BuildEnvironment {
        pipelineInstanceVars = Frozen.map(pipelineInstanceVars);
    }

    /** The variables in Concourse's order. */
    public Map<String, String> variables() {
        Map<String, String> env = new LinkedHashMap<>();
        putIfSet(env, "BUILD_STATUS", buildStatus);
        if (buildId != 0) {
            env.put("BUILD_ID", Long.toString(buildId));
        }
        putIfSet(env, "BUILD_NAME", buildName);
        if (teamId != 0) {
            env.put("BUILD_TEAM_ID", Long.toString(teamId));
        }
        putIfSet(env, "BUILD_TEAM_NAME", teamName);
        if (jobId != 0) {
            env.put("BUILD_JOB_ID", Long.toString(jobId));
        }
        putIfSet(env, "BUILD_JOB_NAME", jobName);
        if (pipelineId != 0) {
            env.put("BUILD_PIPELINE_ID", Long.toString(pipelineId));
        }
        putIfSet(env, "BUILD_PIPELINE_NAME", pipelineName);
        if (!pipelineInstanceVars.isEmpty()) {
            env.put("BUILD_PIPELINE_INSTANCE_VARS", JSON.writeValueAsString(pipelineInstanceVars));
        }
        if (externalUrl != null && !externalUrl.isEmpty()) {
            env.put("ATC_EXTERNAL_URL", externalUrl);
            if (buildId != 0) {
                String shortUrl = externalUrl + "/builds/" + buildId;
                String url = shortUrl;
                if (isSet(teamName) && isSet(pipelineName) && isSet(jobName) && isSet(buildName)) {
                    url = externalUrl + "/teams/" + teamName + "/pipelines/" + pipelineName + "/jobs/" + jobName
                            + "/builds/" + buildName;
                    String query = instanceVarsQuery();
                    if (!query.isEmpty()) {
                        url += "?" + query;
                    }
                }
                env.put("BUILD_URL", url);
                env.put("BUILD_URL_SHORT", shortUrl);
            }
        }
        putIfSet(env, "BUILD_CREATED_BY", createdBy);
        return Collections.unmodifiableMap(env);
    }

    /**
     * Concourse's {@code PipelineRef.QueryParams().Encode()}: one {@code vars.<ref>=<JSON value>}
     * per leaf of the instance vars, sorted by key, escaped as Go's {@code url.QueryEscape}.
     */
    String instanceVarsQuery() {
        Map<String, String> params = new TreeMap<>();
        pipelineInstanceVars.forEach((name, value) -> flatten(name, List.of(), value, params));
        StringBuilder query = new StringBuilder();
        params.forEach((key, value) -> query.append(query.isEmpty() ? "" : "&").append(queryEscape(key)).append('=')
                .append(queryEscape(value)));
        return query.toString();
    }

    private static void flatten(String path, List<String> fields, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> {
                List<String> deeper = new ArrayList<>(fields);
                deeper.add(String.valueOf(key));
                flatten(path, deeper, child, out);
            });
            return;
        }
        out.put("vars." + new VarRef(null, path, fields).displayName(), JSON.writeValueAsString(value));
    }

    /** Go's {@code url.QueryEscape}: unreserved characters stay, space becomes {@code +}, the rest {@code %XX}. */
    static String queryEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isEmpty();
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (isSet(value)) {
            env.put(name, value);
        }
    }
}
