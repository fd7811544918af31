package dev.concourse.internal.scheduler.algorithm;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.ResourceVersionId;
import dev.concourse.spi.storage.VersionHistory;
import dev.concourse.spi.storage.VersionUse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Inputs with {@code passed} that share upstream jobs: a backtracking search over the upstream
 * jobs' successful builds, newest first, for one version per input that every listed job built
 * together (Concourse's {@code groupResolver}).
 */
final class GroupResolver implements Resolver {

    private final VersionHistory history;
    private final List<InputConfig> inputs;
    private final long[] pins;
    private final Candidate[] candidates;
    /** The last candidate set whose search failed; the same set again is skipped at once. */
    private final long[] doomed;
    private final Map<Long, List<ResourceVersionId>> outputsCache = new HashMap<>();
    /** For {@code every}: the upstream build per job that fed the job's build that used the latest version. */
    private Map<Long, BuildCursor> lastUsedPassedBuilds;

    GroupResolver(VersionHistory history, List<InputConfig> inputs) {
        this.history = history;
        this.inputs = List.copyOf(inputs);
        this.pins = new long[inputs.size()];
        this.candidates = new Candidate[inputs.size()];
        this.doomed = new long[inputs.size()];
    }

    @Override
    public List<InputConfig> inputs() {
        return inputs;
    }

    @Override
    public Outcome resolve() {
        for (int i = 0; i < inputs.size(); i++) {
            InputConfig input = inputs.get(i);
            if (input.pinned() == null) {
                continue;
            }
            Optional<ResourceVersion> pin = history.findVersion(input.resourceId(), input.pinned());
            if (pin.isEmpty()) {
                return Outcome.failed(Failures.pinnedVersionNotFound(input.pinned()));
            }
            pins[i] = pin.get().id();
        }
        if (!tryResolve()) {
            return Outcome.failed(Failures.NO_SATISFIABLE_BUILDS);
        }
        Map<String, Candidate> result = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            result.put(inputs.get(i).name(), candidates[i]);
        }
        return new Outcome(result, null);
    }

    private boolean tryResolve() {
        for (int i = 0; i < inputs.size(); i++) {
            if (!satisfyPassedJobs(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean satisfyPassedJobs(int index) {
        InputConfig input = inputs.get(index);
        Candidate current = candidates[index];
        for (long jobId : input.passedJobIds().stream().sorted().toList()) {
            if (current != null && current.isVouchedBy(jobId)) {
                continue;
            }
            BuildPages builds = builds(input, current, jobId);
            if (builds == null) {
                // every + passed: another passed job was used before and drives the choice
                continue;
            }
            // the recursion inside settles all the remaining jobs and inputs
            return tryBuilds(index, jobId, builds);
        }
        return true;
    }

    private boolean tryBuilds(int index, long jobId, BuildPages builds) {
        for (BuildCursor build = builds.next(); build != null; build = builds.next()) {
            if (tryBuildOutputs(index, jobId, build.id(), builds.hasNext())) {
                return true;
            }
        }
        return false;
    }

    private boolean tryBuildOutputs(int index, long jobId, long buildId, boolean hasNext) {
        Map<Integer, Candidate> restore = new HashMap<>();
        boolean mismatch = false;
        outputs:
        for (ResourceVersionId output : outputs(buildId)) {
            for (int c = 0; c < candidates.length; c++) {
                if (restore.containsKey(c)) {
                    continue;
                }
                InputConfig input = inputs.get(c);
                if (input.resourceId() != output.resourceId() || !input.passedJobIds().contains(jobId)) {
                    continue;
                }
                Candidate candidate = candidates[c];
                if (candidate != null && candidate.versionId() != output.versionId()) {
                    mismatch = true;
                    break outputs;
                }
                if (history.isDisabled(output.resourceId(), output.versionId())
                        || input.pinned() != null && pins[c] != output.versionId()) {
                    continue;
                }
                if (candidate == null && history.version(output.resourceId(), output.versionId()).isEmpty()) {
                    break outputs;
                }
                restore.put(c, candidate);
                candidates[c] = Candidate.vouch(candidate, output.versionId(), jobId, buildId, hasNext);
            }
        }
        Candidate resolving = candidates[index];
        if (resolving != null && resolving.isVouchedBy(jobId) && !mismatch && !isDoomed()) {
            if (tryResolve()) {
                return true;
            }
            doom();
        }
        restore.forEach((c, candidate) -> candidates[c] = candidate);
        return false;
    }

    private BuildPages builds(InputConfig input, Candidate current, long passedJobId) {
        Map<Long, Set<Long>> containing = current == null ? Map.of() : constraints(passedJobId);
        if (input.every()) {
            Map<Long, BuildCursor> lastUsed = lastUsedPassedBuilds(input);
            BuildCursor lastUsedBuild = lastUsed.get(passedJobId);
            if (lastUsedBuild != null) {
                return BuildPages.unused(history, passedJobId, containing, lastUsedBuild);
            }
            if (current == null && lastUsed.keySet().stream().anyMatch(input.passedJobIds()::contains)) {
                return null;
            }
        }
        return BuildPages.newestFirst(history, passedJobId, containing);
    }

    private Map<Long, BuildCursor> lastUsedPassedBuilds(InputConfig input) {
        if (lastUsedPassedBuilds != null) {
            return lastUsedPassedBuilds;
        }
        Optional<VersionUse> use = history.latestUse(input.jobId(), input.resourceId());
        if (use.isEmpty()) {
            return Map.of();
        }
        Map<Long, BuildCursor> byJob = new HashMap<>();
        for (BuildCursor pipe : history.pipesTo(use.get().buildId())) {
            byJob.put(pipe.jobId(), pipe);
        }
        lastUsedPassedBuilds = byJob;
        return byJob;
    }

    /** The versions already chosen for the inputs that pass this job, by resource. */
    private Map<Long, Set<Long>> constraints(long passedJobId) {
        Map<Long, Set<Long>> containing = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (candidates[i] != null && inputs.get(i).passedJobIds().contains(passedJobId)) {
                containing.computeIfAbsent(inputs.get(i).resourceId(), r -> new HashSet<>())
                        .add(candidates[i].versionId());
            }
        }
        return containing;
    }

    private List<ResourceVersionId> outputs(long buildId) {
        return outputsCache.computeIfAbsent(buildId, history::successfulOutputs);
    }

    private boolean isDoomed() {
        for (int i = 0; i < candidates.length; i++) {
            if (versionOf(candidates[i]) != doomed[i]) {
                return false;
            }
        }
        return true;
    }

    private void doom() {
        for (int i = 0; i < candidates.length; i++) {
            doomed[i] = versionOf(candidates[i]);
        }
    }

    private static long versionOf(Candidate candidate) {
        return candidate == null ? 0 : candidate.versionId();
    }
}
