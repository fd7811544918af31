package dev.concourse.internal.credentials;

import dev.concourse.config.VarSourceConfig;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.vars.NamedVariables;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The credential vars of one build: what {@code ((var))} references resolve against at run time
 * once the build's local vars ({@code ((.:name))}) have been tried.
 *
 * <ul>
 *   <li>{@code ((.:name))}: not found here (local vars are the executor's).</li>
 *   <li>{@code ((source:name))}: the pipeline's {@code var_sources} entry of that name, made on
 *       first use; an unknown source fails with
 *       {@link dev.concourse.vars.MissingSourceException} ("missing source 'x' in var: x:name").</li>
 *   <li>{@code ((name))}: the engine's credential managers in order, each through its lookup paths
 *       for the build's team and pipeline (the pipeline path only when there is a pipeline); the
 *       first found wins.</li>
 * </ul>
 *
 * <p>Every value found is recorded in the build's {@link SecretTracker}, so it is redacted from
 * the build's events. Fields ({@code ((creds.user))}) are read by the interpolator. Lookup failures
 * throw {@link dev.concourse.spi.credentials.CredentialLookupException} or
 * {@link VarsException} with the var, team, pipeline and manager in the message.
 *
 * <p>Thread-safe: parallel steps of the build share it.
 */
public final class CredentialVariables implements Variables {

    private final String team;
    private final String pipeline;
    private final List<SecretLookup> managers;
    private final NamedVariables varSources;
    private final SecretTracker tracker;

    private CredentialVariables(String team, String pipeline, List<? extends CredentialManager> managers,
            List<VarSourceConfig> varSources, SecretTracker tracker) {
        this.team = Objects.requireNonNull(team, "team");
        this.pipeline = pipeline == null || pipeline.isEmpty() ? null : pipeline;
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        List<SecretLookup> lookups = new ArrayList<>();
        for (CredentialManager manager : managers) {
            lookups.add(SecretLookup.of(manager, team, this.pipeline, "credential manager '" + manager.id() + "'"));
        }
        this.managers = List.copyOf(lookups);
        Map<String, Variables> sources = new LinkedHashMap<>();
        for (VarSourceConfig source : varSources) {
            sources.put(source.name(), new LazyVarSource(source));
        }
        this.varSources = NamedVariables.of(sources);
    }

    /**
     * The credential vars of a build.
     *
     * @param team       the build's team
     * @param pipeline   the build's pipeline, or null for a build without one (a one-off build)
     * @param managers   the engine's credential managers, in the order they are asked (as
     *                   {@link EngineCredentials#managers()} wraps them)
     * @param varSources the pipeline's {@code var_sources}; empty without a pipeline
     * @param tracker    the build's tracker, which records every value found
     */
    public static CredentialVariables create(String team, String pipeline, List<? extends CredentialManager> managers,
            List<VarSourceConfig> varSources, SecretTracker tracker) {
        return new CredentialVariables(team, pipeline, List.copyOf(managers), List.copyOf(varSources), tracker);
    }

    /** The build's tracker. */
    public SecretTracker tracker() {
        return tracker;
    }

    @Override
    public Optional<Object> get(VarRef ref) {
        if (".".equals(ref.source())) {
            return Optional.empty();
        }
        Optional<Object> value = ref.source() != null ? varSources.get(ref) : fromManagers(ref.path());
        value.ifPresent(v -> tracker.track(v == NULL ? null : v));
        return value;
    }

    private Optional<Object> fromManagers(String name) {
        for (SecretLookup manager : managers) {
            Optional<Object> value = manager.find(name);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "CredentialVariables[team=" + team + ", pipeline=" + pipeline + ", managers="
                + managers.stream().map(m -> m.manager().id()).toList() + ", varSources="
                + varSources.sources().keySet() + "]";
    }

    /** A var source made when first used, so var sources can use each other in their configs. */
    private final class LazyVarSource implements Variables {
        private final VarSourceConfig source;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Variables vars;

        LazyVarSource(VarSourceConfig source) {
            this.source = source;
        }

        @Override
        public Optional<Object> get(VarRef ref) {
            Variables made = vars;
            if (made == null) {
                made = make();
            }
            return made.get(ref);
        }

        private Variables make() {
            if (lock.isHeldByCurrentThread()) {
                throw new VarsException("var source '" + source.name() + "' uses itself in its config, directly "
                        + "or through other var sources; break the cycle");
            }
            lock.lock();
            try {
                if (vars == null) {
                    vars = VarSourceFactory.create(source, team, pipeline, CredentialVariables.this);
                }
                return vars;
            } finally {
                lock.unlock();
            }
        }
    }
}
