package dev.concourse.benchmarks.scheduler;

import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.Storage;
import dev.concourse.storage.InMemoryStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A generated pipeline with a history, saved in an {@link InMemoryStorage} through the storage
 * SPI: {@code jobs} jobs in chains of {@value #CHAIN} stages, one resource per chain with
 * {@code versions} versions. Stage 0 gets the resource with {@code trigger: true}; stage 1 with
 * {@code passed: [stage 0]}; every later stage with {@code passed: [the two stages before]}.
 *
 * <p>History: every job built one version in {@value #STEP} (checks found several between
 * builds). Stages 0 and 1 built every such version, but stage 1 (a flaky integration stage)
 * failed on every version above the middle one, so the later stages stopped at the middle
 * version: resolving stage 2 means finding stage 0's build of that older version among all of
 * stage 0's builds. Every job has used what it would resolve now, so a scheduling pass starts
 * nothing: the steady state the scheduler sees on most passes.
 */
public final class SyntheticHistory {
    /** Jobs per chain. */
    public static final int CHAIN = 10;
    /** One build per this many versions. */
    public static final int STEP = 10;
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final Storage storage = new InMemoryStorage();
    private final int jobs;
    private final int versions;
    private final List<Long> jobIds = new ArrayList<>();
    private final List<Long> resourceIds = new ArrayList<>();
    private int builds;

    private SyntheticHistory(int jobs, int versions) {
        if (jobs < CHAIN || jobs % CHAIN != 0 || versions < 2 * STEP || versions % (2 * STEP) != 0) {
            throw new IllegalArgumentException("jobs must be a multiple of " + CHAIN + " and versions of "
                    + 2 * STEP + ": " + jobs + " jobs, " + versions + " versions");
        }
        this.jobs = jobs;
        this.versions = versions;
    }

    /** Generates the pipeline and saves it with its history. */
    public static SyntheticHistory create(int jobs, int versions) {
        SyntheticHistory history = new SyntheticHistory(jobs, versions);
        history.save();
        return history;
    }

    public Storage storage() {
        return storage;
    }

    public int jobs() {
        return jobs;
    }

    /** Job ids in pipeline order: chain by chain, stage by stage. */
    public List<Long> jobIds() {
        return List.copyOf(jobIds);
    }

    /** The id of the job at this stage of this chain. */
    public long jobId(int chain, int stage) {
        return jobIds.get(chain * CHAIN + stage);
    }

    public long resourceId(int chain) {
        return resourceIds.get(chain);
    }

    /** How many builds the history holds. */
    public int builds() {
        return builds;
    }

    public static String jobName(int chain, int stage) {
        return String.format(Locale.ROOT, "chain-%03d-stage-%d", chain, stage);
    }

    public static String resourceName(int chain) {
        return String.format(Locale.ROOT, "src-%03d", chain);
    }

    /** The pipeline's YAML: what a user would {@code set}. */
    public static String yaml(int jobs) {
        StringBuilder y = new StringBuilder("resources:\n");
        for (int c = 0; c < jobs / CHAIN; c++) {
            y.append("- name: ").append(resourceName(c)).append("\n  type: mock\n  source: {chain: ")
                    .append(c).append("}\n");
        }
        y.append("jobs:\n");
        for (int c = 0; c < jobs / CHAIN; c++) {
            for (int s = 0; s < CHAIN; s++) {
                y.append("- name: ").append(jobName(c, s)).append("\n  plan:\n  - get: ").append(resourceName(c))
                        .append("\n    trigger: true\n");
                if (s == 1) {
                    y.append("    passed: [").append(jobName(c, 0)).append("]\n");
                } else if (s > 1) {
                    y.append("    passed: [").append(jobName(c, s - 1)).append(", ").append(jobName(c, s - 2))
                            .append("]\n");
                }
                y.append("  - task: work\n    config:\n      platform: linux\n      run: {path: \"true\"}\n");
            }
        }
        return y.toString();
    }

    private void save() {
        PipelineConfig config = PipelineLoader.create().load("synthetic.yml", yaml(jobs)).orThrow();
        storage.teams().createIfAbsent(Team.MAIN);
        Pipeline pipeline = storage.pipelines().save(PipelineRef.main("synthetic"), config, -1, false, NOW);
        Map<String, Long> jobsByName = new HashMap<>();
        for (Job job : storage.pipelines().jobs(pipeline.id())) {
            jobsByName.put(job.ref().name(), job.id());
        }
        Map<String, Long> resourcesByName = new HashMap<>();
        for (Resource resource : storage.pipelines().resources(pipeline.id())) {
            resourcesByName.put(resource.ref().name(), resource.id());
        }
        for (int c = 0; c < jobs / CHAIN; c++) {
            for (int s = 0; s < CHAIN; s++) {
                jobIds.add(jobsByName.get(jobName(c, s)));
            }
            long resourceId = resourcesByName.get(resourceName(c));
            resourceIds.add(resourceId);
            saveChain(c, resourceId);
        }
    }

    private void saveChain(int chain, long resourceId) {
        long scope = storage.versions().assignScope(resourceId, "synthetic:" + chain);
        List<Version> fields = new ArrayList<>(versions);
        for (int v = 1; v <= versions; v++) {
            fields.add(Version.of("ref", Integer.toString(v)));
        }
        List<ResourceVersion> saved = storage.versions().saveVersions(scope, fields, NOW);
        long[] buildOfStage = new long[CHAIN];
        for (int v = STEP; v <= versions; v += STEP) {
            long versionId = saved.get(v - 1).id();
            boolean early = v <= versions / 2;
            for (int s = 0; s < (early ? CHAIN : 2); s++) {
                List<Long> pipedFrom = s == 0 ? List.of()
                        : s == 1 ? List.of(buildOfStage[0]) : List.of(buildOfStage[s - 1], buildOfStage[s - 2]);
                long build = storage.builds().createJobBuild(jobId(chain, s), false, 0, NOW).id();
                storage.builds().saveInputs(build, List.of(new BuildInput(resourceName(chain), resourceId, versionId,
                        true)), pipedFrom);
                storage.builds().saveOutputs(build, List.of());
                storage.builds().finish(build, early || s == 0 ? BuildStatus.SUCCEEDED : BuildStatus.FAILED, NOW);
                buildOfStage[s] = build;
                builds++;
            }
        }
    }
}
