package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfig.TaskCacheConfig;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.config.SourceIndex;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A task config, inline ({@code config:} of a task step) or from a task file: Concourse's
 * {@code TaskConfig.Validate} plus the cache TTL check it makes while parsing, and the
 * {@code run.path} requirement of Concourse before 8 (ours has no image ENTRYPOINT to fall back on).
 */
public final class TaskConfigValidator {
    private static final String TYPE = "invalid_task_config";

    private TaskConfigValidator() {
    }

    /**
     * Validates a task config.
     *
     * @param config     the task config
     * @param sources    where its parts were written
     * @param pathPrefix the path of the config itself, such as {@code jobs.unit.plan.do[0].task(test).config},
     *                   or empty for a task file; every finding carries it as its path
     * @return the findings, in the order Concourse reports them
     */
    public static List<ConfigFinding> validate(TaskConfig config, SourceIndex sources, String pathPrefix) {
        Findings findings = new Findings();
        String path = nz(pathPrefix);
        if (nz(config.platform()).isEmpty()) {
            findings.error(TYPE, path, sources.locate(config), "missing 'platform'");
        }
        if (config.run() == null || nz(config.run().path()).isEmpty()) {
            findings.error(TYPE, path, config.run() == null ? sources.locate(config) : sources.locate(config.run()),
                    "missing path to executable to run");
        }
        for (int i = 0; i < config.inputs().size(); i++) {
            if (nz(config.inputs().get(i).name()).isEmpty()) {
                findings.error(TYPE, path, sources.locate(config, "inputs[" + i + "]"),
                        "input in position " + i + " is missing a name");
            }
        }
        for (int i = 0; i < config.outputs().size(); i++) {
            if (nz(config.outputs().get(i).name()).isEmpty()) {
                findings.error(TYPE, path, sources.locate(config, "outputs[" + i + "]"),
                        "output in position " + i + " is missing a name");
            }
        }
        for (TaskCacheConfig cache : config.caches()) {
            String ttl = cache.ttl();
            if (ttl == null || ttl.isEmpty() || Durations.hasVar(ttl)) {
                continue;
            }
            Optional<String> error = GoDuration.validate(ttl);
            if (error.isPresent()) {
                findings.error(Durations.TYPE, path, sources.locate(cache, "ttl"),
                        "invalid cache ttl '" + ttl + "': " + error.get());
            } else if (GoDuration.parse(ttl).compareTo(Duration.ofSeconds(1)) < 0) {
                findings.error(Durations.TYPE, path, sources.locate(cache, "ttl"),
                        "cache ttl must be at least 1s, got '" + ttl + "'");
            }
        }
        return findings.asFound();
    }
}
