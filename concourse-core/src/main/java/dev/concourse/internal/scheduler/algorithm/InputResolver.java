package dev.concourse.internal.scheduler.algorithm;

import dev.concourse.spi.storage.VersionHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Concourse's input resolution ({@code Algorithm.Compute}): which version each input of a job's
 * next build gets. Inputs without {@code passed} are resolved alone (pinned, latest or next
 * {@code every} version); inputs with {@code passed} are resolved in groups sharing upstream jobs.
 * A failing resolver fails only its own inputs; the others still get versions.
 *
 * <p>Not thread-safe per call: use one instance per thread or call {@link #resolve} from one
 * thread at a time (it keeps no state between calls). Read the history inside one transaction
 * for a consistent answer.
 */
public final class InputResolver {

    private final VersionHistory history;

    public InputResolver(VersionHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    /**
     * Resolves the inputs of the job.
     *
     * @param jobId  the job being scheduled (for first occurrence)
     * @param inputs its inputs, names unique
     */
    public Resolution resolve(long jobId, List<InputConfig> inputs) {
        Map<String, InputResult> results = new LinkedHashMap<>();
        boolean ok = true;
        boolean hasNext = false;
        for (Resolver resolver : resolvers(inputs)) {
            Resolver.Outcome outcome = resolver.resolve();
            ok &= outcome.failure() == null;
            for (InputConfig input : resolver.inputs()) {
                if (outcome.failure() != null) {
                    results.put(input.name(), InputResult.failed(outcome.failure()));
                    continue;
                }
                Candidate candidate = outcome.candidates().get(input.name());
                boolean first = history.isFirstOccurrence(jobId, input.name(), input.resourceId(),
                        candidate.versionId());
                results.put(input.name(), new InputResult(candidate.versionId(),
                        Set.copyOf(candidate.sourceBuildIds()), first, candidate.hasNextEvery(),
                        null));
                hasNext |= candidate.hasNextEvery();
            }
        }
        return new Resolution(ok, results, hasNext);
    }

    private List<Resolver> resolvers(List<InputConfig> inputs) {
        List<Resolver> resolvers = new ArrayList<>();
        List<InputConfig> withPassed = new ArrayList<>();
        for (InputConfig input : inputs) {
            if (!input.passedJobIds().isEmpty()) {
                withPassed.add(input);
            } else if (input.pinned() != null) {
                resolvers.add(new PinnedResolver(history, input));
            } else {
                resolvers.add(new IndividualResolver(history, input));
            }
        }
        for (List<InputConfig> group : InputGroups.of(withPassed)) {
            resolvers.add(new GroupResolver(history, group));
        }
        return resolvers;
    }
}
