package dev.concourse;

import dev.concourse.config.PipelineConfig;
import java.time.Instant;

/**
 * A pipeline as the engine holds it.
 *
 * @param id            the store's id
 * @param ref           team, name and instance vars
 * @param config        the config last set (an archived pipeline keeps an empty config)
 * @param configVersion increases each time the config is set
 * @param paused        paused pipelines start no builds
 * @param isPublic      exposed to everyone
 * @param archived      archived: paused, hidden, config dropped, history kept
 * @param lastUpdated   when the config was last set
 */
public record Pipeline(long id, PipelineRef ref, PipelineConfig config, long configVersion, boolean paused,
        boolean isPublic, boolean archived, Instant lastUpdated) {
}
