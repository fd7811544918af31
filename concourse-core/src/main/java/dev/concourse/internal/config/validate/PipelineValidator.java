package dev.concourse.internal.config.validate;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.PipelineConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Concourse's pipeline validation ({@code atc/configvalidate/validate.go} and
 * {@code atc/step_validator.go}), with the same rules, messages and paths, plus a few checks
 * Concourse only makes at run time (durations, a task's {@code run.path}).
 */
public final class PipelineValidator {
    private PipelineValidator() {
    }

    /**
     * Validates a bound pipeline.
     *
     * @param config  the pipeline
     * @param sources where its parts were written; {@link SourceIndex#empty} for a model built in code
     * @return every error and warning, in document order (findings without a position first)
     */
    public static List<ConfigFinding> validate(PipelineConfig config, SourceIndex sources) {
        Findings findings = new Findings();
        GroupsValidator.validate(config, sources, findings);
        ResourcesValidator.validateResources(config, sources, findings);
        Map<String, Location> seenTypes = new HashMap<>();
        ResourcesValidator.validateResourceTypes(config, sources, findings, seenTypes);
        ResourcesValidator.validatePrototypes(config, sources, findings, seenTypes);
        VarSourcesValidator.validate(config, sources, findings);
        JobGraph jobs = new JobGraph(config.jobs());
        JobsValidator.validate(config, jobs, sources, findings);
        DisplayValidator.validate(config, sources, findings);
        CycleValidator.validate(config, jobs, sources, findings);
        return findings.inDocumentOrder();
    }
}
