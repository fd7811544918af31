package dev.concourse.internal.check;

import dev.concourse.Pipeline;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.config.ResourceConfig;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.resourcetype.CancelSignal;
import dev.concourse.internal.resourcetype.CancelTrigger;
import dev.concourse.internal.resourcetype.ResolvedType;
import dev.concourse.internal.resourcetype.ResourceCall;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.internal.resourcetype.Resources;
import dev.concourse.internal.resourcetype.TypePlan;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.scheduling.PlacementStrategies;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a resource of a pipeline now, as Concourse's check step ({@code atc/exec/check_step.go})
 * does for a resource: resolves the vars of its {@code source}, gets its type ready
 * ({@link ResourceTypeImages}), points the resource at the version history of its current
 * {@code (type, source)} ({@link ResourceVersionStore#assignScope}), runs the type's check from the
 * history's latest version (or the version asked for), saves what it found
 * ({@link ResourceVersionStore#saveVersions}) and records how it went
 * ({@link ResourceVersionStore#recordCheck}). A failed check saves nothing and records its error,
 * which names the resource and pipeline and ends with what the check wrote to stderr.
 *
 * <p>{@code check_timeout} (default {@value #DEFAULT_CHECK_TIMEOUT_TEXT}) runs on the engine's
 * clock; a check past it is stopped and fails. One check of a resource runs at a time; a second
 * waits for the first. A check cancelled by its caller (an aborted build) records nothing and ends
 * with the {@link ResourceCancelledException}.
 *
 * <p>Thread-safe.
 */
public final class ResourceChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceChecker.class);
    static final String DEFAULT_CHECK_TIMEOUT_TEXT = "1h";
    /** Concourse's default {@code --check-timeout}. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofHours(1);
    private static final int STDERR_TAIL_BYTES = 4096;

    private final Storage storage;
    private final ResourceTypeImages images;
    private final Resources resources;
    private final ContainerRuntime runtime;
    private final EngineClock clock;
    private final ConcurrentHashMap<Long, ReentrantLock> running = new ConcurrentHashMap<>();

    public ResourceChecker(Storage storage, ResourceTypeImages images, Resources resources, ContainerRuntime runtime,
            EngineClock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.images = Objects.requireNonNull(images, "images");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks {@code resource} now.
     *
     * @param pipeline the resource's pipeline (for its {@code resource_types} and messages)
     * @param resource the resource, as stored
     * @param from     the version to check from, or null for the latest saved one (none on a first check)
     * @param vars     resolves the vars of sources
     * @param worker   where a container type runs, or null to pick a compatible worker
     * @param log      gets what the check writes to stderr
     * @param cancel   the caller's cancellation
     * @return how it went; a failure is recorded, not thrown
     * @throws ResourceCancelledException when {@code cancel} was raised
     */
    public CheckOutcome check(Pipeline pipeline, Resource resource, Version from, SourceEvaluator vars, Worker worker,
            OutputStream log, CancelSignal cancel) {
        String describe = describe(pipeline, resource);
        ResourceConfig config = resource.config();
        Duration timeout = checkTimeout(config);
        StderrTail stderr = new StderrTail(log == null ? OutputStream.nullOutputStream() : log, STDERR_TAIL_BYTES);
        ReentrantLock lock = running.computeIfAbsent(resource.id(), id -> new ReentrantLock());
        lock.lock();
        CancelTrigger trigger = new CancelTrigger();
        AtomicBoolean timedOut = new AtomicBoolean();
        CancelSignal.Registration link = cancel.onCancel(trigger::cancel);
        EngineClock.Scheduled timer = clock.schedule(timeout, () -> {
            timedOut.set(true);
            trigger.cancel();
        });
        long scopeId = 0;
        try {
            Map<String, Object> source = vars.evaluate(config.source(), "source of " + describe);
            TypePlan plan = images.plan(config.type(), pipeline.config().resourceTypes());
            Worker placed = worker != null || !images.needsWorker(plan) ? worker
                    : workerFor(pipeline.ref().team(), config.tags()).orElseThrow(() -> new ResourceException(
                            "no worker can run its checks: none is compatible with team '" + pipeline.ref().team()
                                    + "' and tags " + config.tags()));
            ResolvedType type = images.resolve(pipeline, config.type(), pipeline.config().resourceTypes(), vars,
                    placed, stderr, trigger);
            ResourceVersionStore versions = storage.versions();
            scopeId = versions.assignScope(resource.id(), ScopeKeys.of(pipeline, resource, source));
            Version start = from != null ? from : versions.latest(scopeId).map(ResourceVersion::version).orElse(null);
            List<Version> found = resources.check(type, ResourceCall.check(source, start, stderr, trigger), placed);
            Instant now = clock.now();
            List<ResourceVersion> saved = found.isEmpty() ? List.of() : versions.saveVersions(scopeId, found, now);
            versions.recordCheck(resource.id(), now, null);
            return new CheckOutcome(scopeId, found, saved, null, vars.redact(stderr.text()), now);
        } catch (ResourceCancelledException e) {
            if (!timedOut.get()) {
                throw e;
            }
            String byDefault = config.checkTimeout() == null ? ", by default " + DEFAULT_CHECK_TIMEOUT_TEXT : "";
            return failed(resource, scopeId, "checking " + describe + " timed out after " + GoDuration.format(timeout)
                    + " (its check_timeout" + byDefault + ")", stderr, vars);
        } catch (ResourceException | RuntimeOperationException e) {
            return failed(resource, scopeId, "checking " + describe + " failed: " + e.getMessage(), stderr, vars);
        } catch (RuntimeException e) {
            // Vars that cannot be resolved, a credential manager that failed... or a bug: the check's error.
            LOG.warn("checking {} failed unexpectedly", describe, e);
            return failed(resource, scopeId, "checking " + describe + " failed: " + e, stderr, vars);
        } finally {
            timer.cancel();
            link.close();
            lock.unlock();
        }
    }

    /**
     * Checks the image of the pipeline's custom type {@code type} now
     * ({@link ResourceTypeImages#checkType}), on a worker compatible with the type's tags when it
     * needs one, within the default check timeout ({@value #DEFAULT_CHECK_TIMEOUT_TEXT}: a type has
     * no {@code check_timeout}), recording how it went on the type.
     *
     * @return how it went; a failure is recorded, not thrown
     * @throws ResourceCancelledException when {@code cancel} was raised
     */
    public CheckOutcome checkType(Pipeline pipeline, PipelineResourceType type, SourceEvaluator vars,
            CancelSignal cancel) {
        String describe = describe(pipeline, type);
        StderrTail stderr = new StderrTail(OutputStream.nullOutputStream(), STDERR_TAIL_BYTES);
        ReentrantLock lock = running.computeIfAbsent(type.id(), id -> new ReentrantLock());
        lock.lock();
        CancelTrigger trigger = new CancelTrigger();
        AtomicBoolean timedOut = new AtomicBoolean();
        CancelSignal.Registration link = cancel.onCancel(trigger::cancel);
        EngineClock.Scheduled timer = clock.schedule(DEFAULT_CHECK_TIMEOUT, () -> {
            timedOut.set(true);
            trigger.cancel();
        });
        try {
            Worker placed = !images.needsWorker(images.imagePlan(pipeline, type)) ? null
                    : workerFor(pipeline.ref().team(), type.config().tags()).orElseThrow(() -> new ResourceException(
                            "no worker can run its checks: none is compatible with team '" + pipeline.ref().team()
                                    + "' and tags " + type.config().tags()));
            ResourceTypeImages.TypeCheck done = images.checkType(pipeline, type, vars, placed, stderr, trigger);
            return new CheckOutcome(done.scopeId(), done.found(), done.saved(), null, vars.redact(stderr.text()),
                    clock.now());
        } catch (ResourceCancelledException e) {
            if (!timedOut.get()) {
                throw e;
            }
            return failedType(type, "checking " + describe + " timed out after "
                    + GoDuration.format(DEFAULT_CHECK_TIMEOUT), stderr, vars);
        } catch (ResourceException | RuntimeOperationException e) {
            return failedType(type, "checking " + describe + " failed: " + e.getMessage(), stderr, vars);
        } catch (RuntimeException e) {
            LOG.warn("checking {} failed unexpectedly", describe, e);
            return failedType(type, "checking " + describe + " failed: " + e, stderr, vars);
        } finally {
            timer.cancel();
            link.close();
            lock.unlock();
        }
    }

    private CheckOutcome failedType(PipelineResourceType type, String error, StderrTail stderr,
            SourceEvaluator vars) {
        Instant now = clock.now();
        CheckOutcome outcome = new CheckOutcome(type.scopeId(), List.of(), List.of(), vars.redact(error),
                vars.redact(stderr.text()), now);
        storage.versions().recordCheck(type.id(), now, outcome.recordedError());
        return outcome;
    }

    private CheckOutcome failed(Resource resource, long scopeId, String error, StderrTail stderr,
            SourceEvaluator vars) {
        Instant now = clock.now();
        CheckOutcome outcome = new CheckOutcome(scopeId, List.of(), List.of(), vars.redact(error),
                vars.redact(stderr.text()), now);
        storage.versions().recordCheck(resource.id(), now, outcome.recordedError());
        return outcome;
    }

    /**
     * Points {@code resource} at the version history of its type and {@code source} (vars
     * resolved), creating it if needed, as a check does first; a put uses it to save the version
     * it made before any check ran.
     *
     * @return the history's scope id
     */
    public long assignScope(Resource resource, Map<String, Object> source) {
        Pipeline pipeline = storage.pipelines().find(resource.ref().pipeline()).orElseThrow(
                () -> new IllegalStateException("the pipeline of " + resource.ref() + " is gone"));
        return storage.versions().assignScope(resource.id(), ScopeKeys.of(pipeline, resource, source));
    }

    /** The first worker compatible with a check of {@code team} with these tags. */
    public Optional<Worker> workerFor(String team, List<String> tags) {
        List<Worker> compatible = PlacementStrategies.compatible(runtime.workers(),
                new PlacementRequest(team, PlacementRequest.StepKind.CHECK, null, tags, List.of()));
        return compatible.stream().findFirst();
    }

    /** {@code resource type 'my-type' of pipeline 'main/ci'}. */
    public static String describe(Pipeline pipeline, PipelineResourceType type) {
        return "resource type '" + type.name() + "' of pipeline '" + pipeline.ref() + "'";
    }

    /** {@code resource 'repo' of pipeline 'main/ci'}. */
    public static String describe(Pipeline pipeline, Resource resource) {
        return "resource '" + resource.ref().name() + "' of pipeline '" + pipeline.ref() + "'";
    }

    private static Duration checkTimeout(ResourceConfig config) {
        if (config.checkTimeout() == null || config.checkTimeout().isEmpty()) {
            return DEFAULT_CHECK_TIMEOUT;
        }
        try {
            return GoDuration.parse(config.checkTimeout());
        } catch (IllegalArgumentException e) {
            // The validator rejects such a pipeline; a config set without validation still gets a bounded check.
            LOG.warn("resource '{}' has an invalid check_timeout '{}', using {}: {}", config.name(),
                    config.checkTimeout(), DEFAULT_CHECK_TIMEOUT_TEXT, e.getMessage());
            return DEFAULT_CHECK_TIMEOUT;
        }
    }
}
