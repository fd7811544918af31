package dev.concourse;

import dev.concourse.credentials.CredentialSettings;
import dev.concourse.internal.engine.EngineCore;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementStrategy;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Runs Concourse pipelines inside this JVM.
 *
 * <pre>{@code
 * try (PipelineEngine engine = PipelineEngine.builder().build()) {
 *     engine.start();
 *     engine.pipelines().set(PipelineRef.main("ci"), yaml, StaticVariables.empty());
 *     Build build = engine.jobs().trigger(PipelineRef.main("ci").job("unit"));
 *     engine.builds().await(build.id(), Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>Everything outside the JVM sits behind an SPI with a default that needs no set-up:
 * {@code InMemoryStorage}, {@code LocalProcessRuntime} (processes on this machine, no isolation),
 * the system clock, virtual threads, no credential managers. Several engines may live in one JVM;
 * nothing is static.
 *
 * <p>{@code ((vars))} that were not given when a pipeline was set are resolved when a build's
 * step runs: local vars ({@code ((.:name))}, from {@code load_var} and {@code across}), the
 * pipeline's {@code var_sources} ({@code ((source:name))}), then the credential managers in the
 * order they were registered. Every credential a build fetches is redacted from its events.
 *
 * <p>Lifecycle: {@link #builder()}, {@link Builder#build()}, {@link #start()}, then
 * {@link #close()}, which aborts running builds and stops everything the engine started (and the
 * storage and runtime if the engine created them). Thread-safe.
 */
public final class PipelineEngine implements AutoCloseable {
    private final EngineCore core;

    private PipelineEngine(EngineCore core) {
        this.core = core;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts background work: ends the builds that stopped engines left started (only those whose
     * lease lapsed, so builds of engines still running on the same storage stay theirs), then the
     * scheduler, periodic checks and the lease heartbeat, which also takes over builds of engines
     * that stop later. Idempotent.
     */
    public void start() {
        core.start();
    }

    public Teams teams() {
        return core.teams();
    }

    public Pipelines pipelines() {
        return core.pipelines();
    }

    public Jobs jobs() {
        return core.jobs();
    }

    public Builds builds() {
        return core.builds();
    }

    public Workers workers() {
        return core.workers();
    }

    /** The resources of the pipelines: checks, versions, pins. */
    public Resources resources() {
        return core.resources();
    }

    /**
     * Whether no job can make progress right now: no job is queued for or in a scheduling pass,
     * no check is running or due now, no build is running. Pending builds that wait for something
     * (inputs, a paused job or pipeline) do not count; ask {@link Jobs#preparation} what they
     * wait for. Timers still run: a periodic check or the scheduler's safety net may make the
     * engine busy again later. Also true for an engine that was not started.
     */
    public boolean isIdle() {
        return core.activity().isIdle();
    }

    /**
     * Waits until the engine {@link #isIdle() is idle}, at most {@code timeout}. Work is counted
     * from the moment it is requested (setting a pipeline requests scheduling of its jobs before
     * {@code set} returns), and each piece of work begins what it causes before it ends, so right
     * after a call that caused work this does not return before the whole chain (checks, new
     * versions, builds, their puts, downstream builds) has run out. No polling: it wakes when the
     * last piece of work ends. A pipeline just set is first checked by the periodic scan (within
     * 10 seconds, as in Concourse), which this does not wait for: check its resources through
     * {@link Resources#check} first when the chain should start at once.
     *
     * @return true when idle, false when the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return core.activity().awaitIdle(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Aborts running builds, waits for them (up to the grace period) and stops. Idempotent. */
    @Override
    public void close() {
        core.close();
    }

    /** Configures an engine. Explicit registration here always wins over discovery. */
    public static final class Builder {
        private Storage storage;
        private ContainerRuntime runtime;
        private final List<PlacementStrategy> placement = new ArrayList<>();
        private EngineClock clock;
        private Executor executor;
        private Duration abortGracePeriod = Duration.ofSeconds(10);
        private String externalUrl = "http://localhost:8080";
        private final List<CredentialManager> credentialManagers = new ArrayList<>();
        private CredentialSettings credentialSettings = CredentialSettings.defaults();
        private final List<ResourceType> resourceTypes = new ArrayList<>();
        private String nodeName;
        private Duration leaseDuration;

        private Builder() {
        }

        /** Where state is kept. Default: a new {@code InMemoryStorage}. */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** Where steps run. Default: a new {@code LocalProcessRuntime} with one worker. */
        public Builder runtime(ContainerRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /** Adds a placement strategy to the chain (in order). Default chain: volume-locality. */
        public Builder placement(PlacementStrategy strategy) {
            this.placement.add(Objects.requireNonNull(strategy, "strategy"));
            return this;
        }

        /** The engine's time. Default: the system clock with a scheduler thread. */
        public Builder clock(EngineClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs builds, steps and subscribers. Default: a new virtual thread per task, on which the
         * delivery loop of an event subscriber that caught up stays parked for up to 50 ms waiting
         * for the next event (see {@code docs/events.md}); with an executor given here it gives its
         * thread back at once.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** How long an aborted process gets between SIGTERM and SIGKILL. Default 10 s. */
        public Builder abortGracePeriod(Duration grace) {
            this.abortGracePeriod = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /** The URL builds see as {@code ATC_EXTERNAL_URL}. */
        public Builder externalUrl(String url) {
            this.externalUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Adds a credential manager. Managers are asked in the order they were added, the first
         * value found wins; their {@link CredentialManager#id() ids} must differ. The engine wraps
         * each with retries and, when {@link #credentialSettings} turns it on, a cache. Default: none
         * (only {@code var_sources} of type {@code dummy} and vars given when a pipeline is set).
         */
        public Builder credentialManager(CredentialManager manager) {
            this.credentialManagers.add(Objects.requireNonNull(manager, "manager"));
            return this;
        }

        /**
         * Registers a native resource type under its {@link ResourceType#name() name}, for the
         * {@code type:} of resources and the innermost {@code type:} of {@code resource_types}.
         * The engine starts with {@code mock}, {@code time}, {@code local-image} and {@code registry-image}
         * ({@code dev.concourse.resourcetype}); a type registered here replaces a built-in of the
         * same name, and a later registration of a name an earlier one.
         */
        public Builder resourceType(ResourceType type) {
            this.resourceTypes.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /** Caching, retries and redaction of credentials. Default: {@link CredentialSettings#defaults()}. */
        public Builder credentialSettings(CredentialSettings settings) {
            this.credentialSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * This engine's name among the engine nodes sharing one storage: the owner of the leases it
         * holds on the builds it runs and the periodic checks it makes (see {@code docs/storage.md},
         * "Several engine nodes"). It must differ between nodes that run at the same time. A node
         * that restarts under the same name takes its own unfinished builds over at once, instead of
         * after their leases lapsed. Default: {@code engine-} and a random UUID, new for each engine.
         *
         * @throws IllegalArgumentException if it is blank or longer than 200 characters
         */
        public Builder nodeName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException("the engine's node name must be 1 to 200 characters, not blank;"
                        + " got '" + name + "'");
            }
            this.nodeName = name;
            return this;
        }

        /**
         * How long this engine's leases on builds and checks last without being renewed: it renews
         * them every third of this, and another node takes over a build of this one once this long
         * has passed without a renewal (so it is also how long the builds of a node that died keep
         * their {@code started} status). Default 30 s.
         *
         * @throws IllegalArgumentException if it is not at least one second
         */
        public Builder leaseDuration(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("the engine's lease duration must be at least 1s, not " + duration);
            }
            this.leaseDuration = duration;
            return this;
        }

        /**
         * Builds the engine.
         *
         * @throws IllegalArgumentException if two credential managers have the same id
         */
        public PipelineEngine build() {
            return new PipelineEngine(new EngineCore(new EngineCore.Settings(storage, runtime, List.copyOf(placement),
                    clock, executor, abortGracePeriod, externalUrl, List.copyOf(credentialManagers),
                    credentialSettings, List.copyOf(resourceTypes), nodeName, leaseDuration)));
        }
    }
}
