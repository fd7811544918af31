package dev.concourse.internal.engine;

import dev.concourse.ConcourseException;
import dev.concourse.NotFoundException;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.ResourceRef;
import dev.concourse.Resources;
import dev.concourse.internal.check.CheckOutcome;
import dev.concourse.internal.check.ResourceChecker;
import dev.concourse.internal.check.SourceEvaluator;
import dev.concourse.internal.credentials.EngineCredentials;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.internal.resourcetype.CancelTrigger;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.internal.scheduler.ScheduleRequests;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import dev.concourse.vars.Variables;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources over storage, and checks through the {@link ResourceChecker} with the pipeline's
 * credentials (the engine's credential managers and the pipeline's {@code var_sources}); what a
 * check fetches is redacted from its recorded error. Checks still running when the engine closes
 * are stopped. Webhook checks run on the engine's executor.
 */
final class ResourceService implements Resources, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceService.class);
    private final Storage storage;
    private final PipelineService pipelines;
    private final ResourceChecker checker;
    private final EngineCredentials credentials;
    private final Executor executor;
    private final CancelTrigger closing = new CancelTrigger();
    private volatile ScheduleRequests scheduling = ScheduleRequests.NONE;
    private final EngineActivity activity;
    private final EngineClock clock;
    private final Set<Long> requested = ConcurrentHashMap.newKeySet();
    private final Map<Long, Instant> requestedFinished = new ConcurrentHashMap<>();

    ResourceService(Storage storage, PipelineService pipelines, ResourceChecker checker,
            EngineCredentials credentials, Executor executor, EngineActivity activity, EngineClock clock) {
        this.activity = activity;
        this.clock = clock;
        this.storage = storage;
        this.pipelines = pipelines;
        this.checker = checker;
        this.credentials = credentials;
        this.executor = executor;
    }

    @Override
    public CheckResult check(ResourceRef ref) {
        return check(ref, null);
    }

    @Override
    public CheckResult check(ResourceRef ref, Version from) {
        Objects.requireNonNull(ref, "resource");
        Pipeline pipeline = pipelines.require(ref.pipeline());
        Resource resource = require(ref);
        try {
            CheckOutcome outcome = checkNow(pipeline, resource, from);
            return new CheckResult(ref, outcome.found(), outcome.saved(), outcome.recordedError(), outcome.finished());
        } catch (ResourceCancelledException e) {
            throw new ConcourseException("checking " + ResourceChecker.describe(pipeline, resource)
                    + " was stopped: the engine is closing", e);
        }
    }

    /**
     * Checks with the pipeline's credentials from the newest saved version, for the periodic checks.
     *
     * @throws ResourceCancelledException when the engine closes meanwhile
     */
    CheckOutcome checkNow(Pipeline pipeline, Resource resource) {
        return checkNow(pipeline, resource, null);
    }

    private CheckOutcome checkNow(Pipeline pipeline, Resource resource, Version from) {
        activity.begin();
        try {
            SecretTracker tracker = new SecretTracker();
            CheckOutcome outcome = checker.check(pipeline, resource, from, SourceEvaluator.of(vars(pipeline, tracker),
                    tracker), null, OutputStream.nullOutputStream(), closing);
            // A first check may find only versions its shared history had: they are new to this resource.
            if (!outcome.saved().isEmpty() || outcome.scopeId() != 0 && outcome.scopeId() != resource.scopeId()) {
                scheduling.resource(resource.id());
            }
            return outcome;
        } finally {
            activity.end();
        }
    }

    /**
     * Checks the image of a custom type of the pipeline with the pipeline's credentials, for the
     * periodic checks. Its new versions are used by the steps and checks that come after.
     *
     * @throws ResourceCancelledException when the engine closes meanwhile
     */
    CheckOutcome checkTypeNow(Pipeline pipeline, PipelineResourceType type) {
        activity.begin();
        try {
            SecretTracker tracker = new SecretTracker();
            return checker.checkType(pipeline, type, SourceEvaluator.of(vars(pipeline, tracker), tracker), closing);
        } finally {
            activity.end();
        }
    }

    /**
     * For a manually triggered build: whether a check of the resource finished at or after
     * {@code since}; if not, one is started on the executor (once at a time per resource), after
     * which the jobs using the resource are scheduled, whatever its outcome.
     */
    boolean checkedSince(long resourceId, Instant since) {
        Optional<Resource> resource = storage.pipelines().resource(resourceId);
        if (resource.isEmpty()) {
            return true;
        }
        Instant last = resource.get().lastChecked();
        Instant mine = requestedFinished.get(resourceId);
        if (last != null && !last.isBefore(since) || mine != null && !mine.isBefore(since)) {
            return true;
        }
        if (requested.add(resourceId)) {
            activity.begin();
            try {
                executor.execute(() -> requestedCheck(resource.get()));
            } catch (RejectedExecutionException e) {
                // The engine is closing.
                requested.remove(resourceId);
                activity.end();
            }
        }
        return false;
    }

    private void requestedCheck(Resource resource) {
        try {
            storage.pipelines().find(resource.ref().pipeline()).ifPresent(p -> checkNow(p, resource, null));
        } catch (ResourceCancelledException e) {
            LOG.debug("the check of {} for a manual trigger was stopped: the engine is closing", resource.ref());
        } catch (RuntimeException e) {
            LOG.warn("the check of {} for a manual trigger failed unexpectedly", resource.ref(), e);
        } finally {
            requestedFinished.put(resource.id(), clock.now());
            requested.remove(resource.id());
            scheduling.resource(resource.id());
            activity.end();
        }
    }

    /** Where new versions, pins and disabled versions are reported, so jobs using the resource run. */
    void scheduleWith(ScheduleRequests requests) {
        this.scheduling = Objects.requireNonNull(requests, "requests");
    }

    private Variables vars(Pipeline pipeline, SecretTracker tracker) {
        return credentials.forBuild(pipeline.ref().team(), pipeline.ref().name(), pipeline.config().varSources(),
                tracker);
    }

    @Override
    public void checkWebhook(ResourceRef ref, String token) {
        Objects.requireNonNull(ref, "resource");
        Pipeline pipeline = pipelines.require(ref.pipeline());
        Resource resource = require(ref);
        String describe = ResourceChecker.describe(pipeline, resource);
        String configured = resource.config().webhookToken();
        if (configured == null || configured.isEmpty()) {
            throw new ConcourseException("invalid webhook token for " + describe
                    + ": it has no webhook_token; set one in its config to accept webhooks");
        }
        SecretTracker tracker = new SecretTracker();
        Object expected = SourceEvaluator.of(vars(pipeline, tracker), tracker)
                .evaluate(Map.of("webhook_token", configured), "webhook_token of " + describe).get("webhook_token");
        if (token == null || !MessageDigest.isEqual(String.valueOf(expected).getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            throw new ConcourseException("invalid webhook token for " + describe
                    + ": the token given does not match its webhook_token");
        }
        activity.begin();
        try {
            executor.execute(() -> {
                try {
                    checkNow(pipeline, resource, null);
                } catch (ResourceCancelledException e) {
                    LOG.debug("the webhook check of {} was stopped: the engine is closing", describe);
                } finally {
                    activity.end();
                }
            });
        } catch (RejectedExecutionException e) {
            activity.end();
            throw new ConcourseException("cannot check " + describe + ": the engine is closing", e);
        }
    }

    @Override
    public Optional<Resource> get(ResourceRef ref) {
        return storage.pipelines().resource(Objects.requireNonNull(ref, "resource"));
    }

    @Override
    public List<Resource> list(PipelineRef ref) {
        return storage.pipelines().resources(pipelines.require(ref).id());
    }

    @Override
    public List<ResourceVersion> versions(ResourceRef ref, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        Resource resource = require(ref);
        if (resource.scopeId() == 0) {
            return List.of();
        }
        return storage.versions().versions(resource.scopeId(), Long.MAX_VALUE, limit);
    }

    @Override
    public Resource pin(ResourceRef ref, Version version, String comment) {
        Resource resource = require(ref);
        ResourceVersion pinned = requireVersion(resource, version);
        try {
            Resource result = storage.versions().pin(resource.id(), pinned.id(), comment == null ? "" : comment)
                    .orElseThrow(() -> missing(ref));
            scheduling.resource(resource.id());
            return result;
        } catch (IllegalStateException e) {
            throw pinnedInConfig(resource, "pin it to another version");
        }
    }

    @Override
    public Resource unpin(ResourceRef ref) {
        Resource resource = require(ref);
        try {
            Resource result = storage.versions().unpin(resource.id()).orElseThrow(() -> missing(ref));
            scheduling.resource(resource.id());
            return result;
        } catch (IllegalStateException e) {
            throw pinnedInConfig(resource, "unpin it");
        }
    }

    @Override
    public boolean disable(ResourceRef ref, Version version) {
        Resource resource = require(ref);
        boolean changed = storage.versions().disable(resource.id(), requireVersion(resource, version).id());
        scheduling.resource(resource.id());
        return changed;
    }

    @Override
    public boolean enable(ResourceRef ref, Version version) {
        Resource resource = require(ref);
        boolean changed = storage.versions().enable(resource.id(), requireVersion(resource, version).id());
        scheduling.resource(resource.id());
        return changed;
    }

    /** Stops running checks. */
    @Override
    public void close() {
        closing.cancel();
    }

    private Resource require(ResourceRef ref) {
        Objects.requireNonNull(ref, "resource");
        pipelines.require(ref.pipeline());
        return storage.pipelines().resource(ref).orElseThrow(() -> missing(ref));
    }

    private ResourceVersion requireVersion(Resource resource, Version version) {
        Objects.requireNonNull(version, "version");
        Optional<ResourceVersion> found = resource.scopeId() == 0 ? Optional.empty()
                : storage.versions().find(resource.scopeId(), version);
        return found.orElseThrow(() -> new NotFoundException("resource '" + resource.ref().name() + "' of pipeline '"
                + resource.ref().pipeline() + "' has no version " + version + (resource.scopeId() == 0
                        ? "; it has no versions yet: check it first" : "; list its versions to see which it has")));
    }

    private static NotFoundException missing(ResourceRef ref) {
        return new NotFoundException("resource '" + ref.name() + "' does not exist in pipeline '" + ref.pipeline()
                + "'");
    }

    private static ConcourseException pinnedInConfig(Resource resource, String what) {
        return new ConcourseException("cannot " + what + ": resource '" + resource.ref().name() + "' of pipeline '"
                + resource.ref().pipeline() + "' is pinned in its config (version: " + new Version(
                        resource.pinnedVersion()) + "); set the pipeline without that pin first");
    }
}
