package dev.concourse.internal.credentials;

import dev.concourse.config.VarSourceConfig;
import dev.concourse.credentials.CredentialSettings;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.internal.redact.RedactingSink;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.scheduling.EngineClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An engine's credential managers, each wrapped as Concourse wraps them: retries inside, the cache
 * (when enabled) outside, so a cached answer needs no retry and a failure is never cached. One per
 * engine; the cache lives as long as it does. Makes the per-build pieces:
 * {@link #forBuild(String, String, List, SecretTracker)} and
 * {@link #redacting(BuildEventSink, SecretTracker)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class EngineCredentials {

    private final List<CredentialManager> managers;
    private final CredentialSettings settings;

    /**
     * Wraps the managers.
     *
     * @param managers the managers in the order they are asked; ids must be unique
     * @param settings cache, retry and redaction settings
     * @param clock    the engine's clock, for cache expiry and retry waits
     * @throws IllegalArgumentException if two managers have the same id
     */
    public EngineCredentials(List<? extends CredentialManager> managers, CredentialSettings settings,
            EngineClock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Map<String, CredentialManager> byId = new HashMap<>();
        List<CredentialManager> wrapped = new ArrayList<>();
        for (CredentialManager manager : managers) {
            String id = Objects.requireNonNull(manager.id(), "id() of " + manager);
            CredentialManager other = byId.putIfAbsent(id, manager);
            if (other != null) {
                throw new IllegalArgumentException("credential managers " + other + " and " + manager
                        + " both have the id '" + id + "'; give one of them another id");
            }
            CredentialManager m = manager;
            if (settings.retryAttempts() > 1) {
                m = new RetryingCredentialManager(m, settings.retryAttempts(), settings.retryBackoff(),
                        settings.retryMaxBackoff(), clock);
            }
            if (settings.cacheEnabled()) {
                m = new CachingCredentialManager(m, settings.cacheTtl(), settings.cacheNotFoundTtl(), clock);
            }
            wrapped.add(m);
        }
        this.managers = List.copyOf(wrapped);
    }

    /** An engine without credential managers: only {@code var_sources} of type dummy resolve. */
    public static EngineCredentials none(EngineClock clock) {
        return new EngineCredentials(List.of(), CredentialSettings.defaults(), clock);
    }

    /** The wrapped managers, in order. */
    public List<CredentialManager> managers() {
        return managers;
    }

    /** The settings. */
    public CredentialSettings settings() {
        return settings;
    }

    /**
     * The credential vars of one build.
     *
     * @param team       the build's team
     * @param pipeline   its pipeline, or null for a one-off build
     * @param varSources the pipeline's {@code var_sources} (empty for a one-off build)
     * @param tracker    the build's tracker, also given to {@link #redacting}
     */
    public CredentialVariables forBuild(String team, String pipeline, List<VarSourceConfig> varSources,
            SecretTracker tracker) {
        return CredentialVariables.create(team, pipeline, managers, varSources, tracker);
    }

    /** The build's event sink with secrets redacted, or {@code sink} itself if redaction is off. */
    public BuildEventSink redacting(BuildEventSink sink, SecretTracker tracker) {
        return RedactingSink.wrap(sink, tracker, settings.redactSecrets());
    }
}
