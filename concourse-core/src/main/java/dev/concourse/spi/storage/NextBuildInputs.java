package dev.concourse.spi.storage;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the scheduler last resolved for a job's next build (Concourse's {@code next_build_inputs},
 * {@code next_build_pipes} and {@code inputs_determined}).
 *
 * @param determined whether every input resolved, so that a build can start with them
 * @param inputs     each input's resolution, in the order saved; resolved and unresolved ones
 */
public record NextBuildInputs(boolean determined, List<ResolvedInput> inputs) {

    /** What a job has before the scheduler saved anything: nothing determined. */
    public static final NextBuildInputs NONE = new NextBuildInputs(false, List.of());

    public NextBuildInputs {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** The upstream builds the inputs were passed on by, ascending, once each: the next build's pipes. */
    public List<Long> pipedFrom() {
        Set<Long> ids = new TreeSet<>();
        inputs.forEach(input -> ids.addAll(input.passedBuildIds()));
        return List.copyOf(ids);
    }

    /** The resolved inputs as a build's inputs. */
    public List<BuildInput> buildInputs() {
        return inputs.stream()
                .filter(ResolvedInput::isResolved)
                .map(i -> new BuildInput(i.name(), i.resourceId(), i.versionId(), i.firstOccurrence()))
                .toList();
    }
}
