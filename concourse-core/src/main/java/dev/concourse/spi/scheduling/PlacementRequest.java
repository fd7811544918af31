package dev.concourse.spi.scheduling;

import dev.concourse.spi.runtime.Volume;
import java.util.List;

/**
 * What a step needs from a worker, for placement.
 *
 * @param team     the build's team
 * @param kind     the kind of step
 * @param platform the platform required, or null for any
 * @param tags     worker tags required
 * @param inputs   volumes the step will mount (for volume locality)
 */
public record PlacementRequest(String team, StepKind kind, String platform, List<String> tags, List<Volume> inputs) {

    /** Kinds of work placed on workers. */
    public enum StepKind { TASK, GET, PUT, CHECK }

    public PlacementRequest {
        tags = tags == null ? java.util.List.of() : java.util.List.copyOf(tags);
        inputs = inputs == null ? java.util.List.of() : java.util.List.copyOf(inputs);
    }
}
