package dev.concourse.testkit.conformance;

import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.Step;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real pipeline's version history (Concourse's {@code DebugVersionsDB} export, gzipped JSON)
 * written into a store through the SPI, the way Concourse's regression tests load it: builds with
 * outputs succeeded (their outputs are outputs and inputs), builds seen only as inputs or as rerun
 * originals failed. Versions that builds used but the history no longer lists are saved in a scope
 * of a resource of their own, so they exist for the store but not for the resource. The pipeline
 * has one more job, {@code current}, whose plan is the given gets.
 */
final class FixtureHistory {
    static final String CURRENT_JOB = "current";
    static final PipelineRef PIPELINE = PipelineRef.main("fixture");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ORPHANS = "orphaned-versions";
    private static final int BUILDS_PER_TRANSACTION = 500;

    private final Storage storage;
    private final Map<Long, Long> fixtureJobToOurs = new HashMap<>();
    private final Map<Long, Long> fixtureResourceToOurs = new HashMap<>();
    private final Map<Long, Long> ourResourceToFixture = new HashMap<>();
    private final Map<Long, Long> fixtureVersionToOurs = new HashMap<>();
    private final Map<String, Long> resourceIds = new HashMap<>();

    private FixtureHistory(Storage storage) {
        this.storage = storage;
    }

    /** Loads the file into {@code storage}, with {@code current}'s plan. */
    static FixtureHistory load(Path gzippedJson, Storage storage, List<Step> currentPlan) {
        FixtureHistory history = new FixtureHistory(storage);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzippedJson))) {
            history.importHistory(new ObjectMapper().readTree(in), currentPlan);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + gzippedJson, e);
        }
        return history;
    }

    /** {@code r<ResourceID>v<VersionID>} in the fixture's ids, for a version of ours. */
    String versionName(long ourResourceId, Version version) {
        return "r" + ourResourceToFixture.get(ourResourceId) + "v" + version.fields().get("id");
    }

    private void importHistory(JsonNode root, List<Step> currentPlan) {
        Map<String, Long> fixtureJobs = named(root, "Jobs", "JobIDs", "LegacyJobIDs");
        Map<String, Long> fixtureResources = named(root, "Resources", "ResourceIDs", "LegacyResourceIDs");
        Map<Long, Long> scopeOf = new HashMap<>();
        for (JsonNode r : rows(root, "Resources")) {
            scopeOf.put(r.get("ID").asLong(), r.path("ScopeID").asLong(0));
        }
        savePipeline(fixtureJobs, fixtureResources, currentPlan);
        Map<Long, Long> scopes = assignScopes(fixtureResources, scopeOf);
        saveVersions(root, scopes);
        saveBuilds(root);
    }

    private static Map<String, Long> named(JsonNode root, String listField, String... mapFields) {
        Map<String, Long> named = new TreeMap<>();
        for (JsonNode row : rows(root, listField)) {
            named.put(row.get("Name").asString(), row.get("ID").asLong());
        }
        for (String field : mapFields) {
            root.path(field).properties().forEach(e -> named.put(e.getKey(), e.getValue().asLong()));
        }
        return named;
    }

    private static List<JsonNode> rows(JsonNode root, String field) {
        List<JsonNode> rows = new ArrayList<>();
        root.path(field).forEach(rows::add);
        return rows;
    }

    private void savePipeline(Map<String, Long> fixtureJobs, Map<String, Long> fixtureResources,
            List<Step> currentPlan) {
        storage.teams().createIfAbsent(Team.MAIN);
        List<JobConfig> jobs = new ArrayList<>();
        fixtureJobs.keySet().forEach(name -> jobs.add(job(name, List.of())));
        jobs.add(job(CURRENT_JOB, currentPlan));
        List<ResourceConfig> resources = new ArrayList<>();
        fixtureResources.keySet().forEach(name -> resources.add(resource(name)));
        resources.add(resource(ORPHANS));
        PipelineConfig config = new PipelineConfig(List.of(), List.of(), resources, List.of(), List.of(), jobs, null,
                null);
        Pipeline pipeline = storage.pipelines().save(PIPELINE, config, -1, false, NOW);
        for (Job job : storage.pipelines().jobs(pipeline.id())) {
            Long fixtureId = fixtureJobs.get(job.ref().name());
            if (fixtureId != null) {
                fixtureJobToOurs.put(fixtureId, job.id());
            }
        }
        for (Resource resource : storage.pipelines().resources(pipeline.id())) {
            resourceIds.put(resource.ref().name(), resource.id());
            Long fixtureId = fixtureResources.get(resource.ref().name());
            if (fixtureId != null) {
                fixtureResourceToOurs.put(fixtureId, resource.id());
                ourResourceToFixture.put(resource.id(), fixtureId);
            }
        }
    }

    private static JobConfig job(String name, List<Step> plan) {
        return new JobConfig(name, null, false, false, false, false, false, List.of(), 0, List.of(), 0, null,
                plan, null, null, null, null, null);
    }

    private static ResourceConfig resource(String name) {
        return new ResourceConfig(name, null, false, null, "mock", Map.of("name", name), "never", null, List.of(),
                Map.of(), null, false);
    }

    /** Resources sharing a fixture scope share ours; the orphans' resource gets a scope of its own. */
    private Map<Long, Long> assignScopes(Map<String, Long> fixtureResources, Map<Long, Long> scopeOf) {
        Map<Long, Long> scopes = new HashMap<>();
        for (long fixtureId : fixtureResources.values()) {
            long fixtureScope = scopeOf.getOrDefault(fixtureId, 0L);
            String key = fixtureScope == 0 ? "resource:" + fixtureId : "scope:" + fixtureScope;
            scopes.put(fixtureId, storage.versions().assignScope(fixtureResourceToOurs.get(fixtureId), key));
        }
        scopes.put(0L, storage.versions().assignScope(resourceIds.get(ORPHANS), "orphans"));
        return scopes;
    }

    private void saveVersions(JsonNode root, Map<Long, Long> scopes) {
        Map<Long, TreeMap<Long, Long>> byScope = new LinkedHashMap<>();
        for (JsonNode row : rows(root, "ResourceVersions")) {
            long scope = scopes.get(row.get("ResourceID").asLong());
            byScope.computeIfAbsent(scope, s -> new TreeMap<>())
                    .put(row.get("CheckOrder").asLong(), row.get("VersionID").asLong());
        }
        byScope.forEach((scope, versions) -> save(scope, versions.values()));
        Set<Long> orphans = new TreeSet<>();
        for (String field : List.of("BuildInputs", "BuildOutputs")) {
            for (JsonNode row : rows(root, field)) {
                long versionId = row.get("VersionID").asLong();
                if (!fixtureVersionToOurs.containsKey(versionId)) {
                    orphans.add(versionId);
                }
            }
        }
        save(scopes.get(0L), orphans);
    }

    private void save(long scope, Collection<Long> fixtureVersionIds) {
        List<Version> versions = fixtureVersionIds.stream().map(FixtureHistory::fields).toList();
        // saveVersions returns each version as saved (new or known), in list order.
        for (ResourceVersion saved : storage.versions().saveVersions(scope, versions, NOW)) {
            fixtureVersionToOurs.put(Long.parseLong(saved.version().fields().get("id")), saved.id());
        }
        for (long fixtureId : fixtureVersionIds) {
            if (!fixtureVersionToOurs.containsKey(fixtureId)) {
                fixtureVersionToOurs.put(fixtureId, storage.versions().find(scope, fields(fixtureId)).orElseThrow()
                        .id());
            }
        }
    }

    private static Version fields(long fixtureVersionId) {
        return Version.of("id", Long.toString(fixtureVersionId));
    }

    private void saveBuilds(JsonNode root) {
        Map<Long, FixtureBuild> builds = new TreeMap<>();
        for (JsonNode row : rows(root, "BuildOutputs")) {
            FixtureBuild build = builds.computeIfAbsent(row.get("BuildID").asLong(),
                    id -> new FixtureBuild(row.get("JobID").asLong(), true));
            build.outputs.add(row);
        }
        for (JsonNode row : rows(root, "BuildInputs")) {
            FixtureBuild build = builds.computeIfAbsent(row.get("BuildID").asLong(),
                    id -> new FixtureBuild(row.get("JobID").asLong(), false));
            build.inputs.add(row);
        }
        Map<Long, Long> rerunOf = new HashMap<>();
        for (JsonNode row : rows(root, "BuildReruns")) {
            long original = row.get("RerunOf").asLong();
            builds.computeIfAbsent(original, id -> new FixtureBuild(row.get("JobID").asLong(), false));
            rerunOf.put(row.get("BuildID").asLong(), original);
        }
        Map<Long, Long> ourBuildIds = new HashMap<>();
        List<Map.Entry<Long, FixtureBuild>> ordered = new ArrayList<>(builds.entrySet());
        // a transaction per chunk of builds, not four per build: a database store commits (and
        // flushes its log) once per transaction, which made the largest histories take many minutes
        for (int from = 0; from < ordered.size(); from += BUILDS_PER_TRANSACTION) {
            List<Map.Entry<Long, FixtureBuild>> chunk = ordered.subList(from,
                    Math.min(ordered.size(), from + BUILDS_PER_TRANSACTION));
            storage.inTransaction(() -> {
                chunk.forEach(entry -> saveBuild(entry.getKey(), entry.getValue(), rerunOf, ourBuildIds));
                return null;
            });
        }
    }

    private void saveBuild(long fixtureId, FixtureBuild build, Map<Long, Long> rerunOf, Map<Long, Long> ourBuildIds) {
        long original = rerunOf.getOrDefault(fixtureId, 0L);
        long ourRerunOf = original == 0 ? 0 : ourBuildIds.get(original);
        long id = storage.builds().createJobBuild(fixtureJobToOurs.get(build.jobId), false, ourRerunOf, NOW).id();
        ourBuildIds.put(fixtureId, id);
        storage.builds().saveInputs(id, build.buildInputs(), List.of());
        storage.builds().saveOutputs(id, build.buildOutputs());
        storage.builds().finish(id, build.succeeded ? BuildStatus.SUCCEEDED : BuildStatus.FAILED, NOW);
    }

    private final class FixtureBuild {
        final long jobId;
        final boolean succeeded;
        final List<JsonNode> inputs = new ArrayList<>();
        final List<JsonNode> outputs = new ArrayList<>();

        FixtureBuild(long jobId, boolean succeeded) {
            this.jobId = jobId;
            this.succeeded = succeeded;
        }

        List<BuildInput> buildInputs() {
            Map<String, BuildInput> byName = new LinkedHashMap<>();
            Set<List<Long>> seen = new HashSet<>();
            for (JsonNode row : inputs) {
                long resource = fixtureResourceToOurs.get(row.get("ResourceID").asLong());
                long version = fixtureVersionToOurs.get(row.get("VersionID").asLong());
                if (!seen.add(List.of(resource, version))) {
                    continue;
                }
                String name = row.hasNonNull("InputName") ? row.get("InputName").asString() : "r" + resource;
                while (byName.containsKey(name)) {
                    name = name + "'";
                }
                byName.put(name, new BuildInput(name, resource, version, false));
            }
            return List.copyOf(byName.values());
        }

        List<BuildOutput> buildOutputs() {
            return outputs.stream()
                    .sorted(Comparator.comparingLong(row -> row.get("ResourceID").asLong()))
                    .map(row -> {
                        long resource = fixtureResourceToOurs.get(row.get("ResourceID").asLong());
                        return new BuildOutput("r" + resource, resource,
                                fixtureVersionToOurs.get(row.get("VersionID").asLong()));
                    })
                    .toList();
        }
    }
}
