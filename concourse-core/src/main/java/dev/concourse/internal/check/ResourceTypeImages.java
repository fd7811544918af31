package dev.concourse.internal.check;

import dev.concourse.Pipeline;
import dev.concourse.PipelineResourceType;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.internal.resourcetype.CancelSignal;
import dev.concourse.internal.resourcetype.ResolvedType;
import dev.concourse.internal.resourcetype.ResourceCall;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.internal.resourcetype.ResourceTypeChain;
import dev.concourse.internal.resourcetype.ResourceTypeRegistry;
import dev.concourse.internal.resourcetype.Resources;
import dev.concourse.internal.resourcetype.TypePlan;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a resource's type ready to run ({@link ResolvedType}): a base type from the registry, or a
 * custom type of the pipeline's {@code resource_types}, whose image (and those of the custom types
 * it is built on, innermost first) is fetched by a check and a get of the latest version, as
 * Concourse's nested {@code image-check}/{@code image-get} plans do ({@link TypePlan}).
 *
 * <p><b>Versions of a pipeline's types.</b> A custom type of a pipeline has a version history of
 * its own, as a resource has ({@link PipelineResourceType#scopeId()}, keyed by the type's id, the
 * type of its image's resource and its {@code source} with vars resolved). The image used is the
 * newest version of that history, as Concourse's image-get of the type's latest version: a check
 * of the type ({@link #checkType}, run periodically on the type's {@code check_every} by the
 * {@link CheckScheduler}) that finds a new version makes later steps and checks fetch the new
 * image. While the history is empty (before the type's first check), the step checks the type
 * itself and saves what it found there. Types used without a pipeline ({@code image_resource} of
 * a one-off task) are checked each time their image is not kept yet.
 *
 * <p>Fetched images are kept for the engine's life, one volume per worker and per chain of
 * (type, source, params, version) with vars resolved: later steps and checks of any pipeline reuse
 * them while the type has no newer version. Two builds needing the same image at once fetch it
 * once. A failed fetch is not kept. The images of older versions stay until the engine closes
 * (a build may still run in them); {@link #close()} destroys the kept volumes.
 *
 * <p>Tasks' {@code image_resource}s are fetched here too ({@link #taskImage}), with the same
 * resolution of their type and the same keeping of the fetched volumes.
 *
 * <p>Thread-safe.
 */
public final class ResourceTypeImages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceTypeImages.class);

    private final ResourceTypeRegistry registry;
    private final Resources resources;
    private final Storage storage;
    private final EngineClock clock;
    private final ConcurrentHashMap<String, Slot> images = new ConcurrentHashMap<>();

    /** One image: fetched at most once at a time; {@code volume} null until fetched. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        Volume volume;
    }

    /**
     * @param storage holds the version histories of the pipelines' types
     * @param clock   times the types' checks
     */
    public ResourceTypeImages(ResourceTypeRegistry registry, Resources resources, Storage storage, EngineClock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The registry of base types. */
    public ResourceTypeRegistry registry() {
        return registry;
    }

    /**
     * What it takes to make {@code type} ready: nothing for a base type, image fetches for a
     * custom one.
     *
     * @throws ResourceException if the type (or one its chain needs) is unknown, or the chain is a cycle
     */
    public TypePlan plan(String type, List<ResourceTypeConfig> resourceTypes) {
        return ResourceTypeChain.resolve(type, resourceTypes, registry);
    }

    /**
     * Whether running {@code type} needs a worker: a container base type, or any custom type. A
     * native base type runs in the engine.
     */
    public boolean needsWorker(TypePlan plan) {
        return !plan.isBase() || registry.find(plan.baseType()).orElseThrow() instanceof ResolvedType.Container;
    }

    /**
     * The type ready to run, its image fetched (or reused) on {@code worker}.
     *
     * @param pipeline      the pipeline whose {@code resource_types} these are, whose types' newest
     *                      versions are used; null for types used outside a pipeline
     * @param type          a resource's {@code type}
     * @param resourceTypes the pipeline's {@code resource_types}
     * @param vars          resolves the vars of the custom types' {@code source} and {@code params}
     * @param worker        where the images go, the worker that will run the type's scripts; may be
     *                      null when {@link #needsWorker} is false
     * @param log           where the image checks and gets write their stderr
     * @param cancel        the step's or check's cancellation
     * @throws ResourceException naming the type when the type is unknown or an image cannot be
     *                           fetched; a {@link ResourceCancelledException} when cancelled
     */
    public ResolvedType resolve(Pipeline pipeline, String type, List<ResourceTypeConfig> resourceTypes,
            SourceEvaluator vars, Worker worker, OutputStream log, CancelSignal cancel) {
        TypePlan plan = plan(type, resourceTypes);
        return chain(pipeline, plan, plan.imageFetches().size(), vars, worker, log, cancel);
    }

    /**
     * The type the first {@code fetches} image fetches of {@code plan} make ready: the plan's
     * base type, then each custom type of the chain in turn, its image the newest version of the
     * type's history (checked first while the history is empty).
     */
    private ResolvedType chain(Pipeline pipeline, TypePlan plan, int fetches, SourceEvaluator vars, Worker worker,
            OutputStream log, CancelSignal cancel) {
        String type = plan.type();
        ResolvedType current = registry.find(plan.baseType()).orElseThrow(() -> new ResourceException(
                "base resource type '" + plan.baseType() + "' is no longer registered"));
        if (fetches == 0) {
            return current;
        }
        if (worker == null) {
            throw new ResourceException("resource type '" + type + "' needs a worker for its image, and there is none");
        }
        StringBuilder key = new StringBuilder(worker.info().name()).append('\0').append(plan.baseType());
        for (TypePlan.ImageFetch fetch : plan.imageFetches().subList(0, fetches)) {
            String what = "resource type '" + fetch.type() + "'";
            Map<String, Object> source = vars.evaluate(fetch.source(), "source of " + what);
            Map<String, Object> params = vars.evaluate(fetch.params(), "params of " + what);
            Version version = newest(pipeline, fetch, current, source, vars, worker, log, cancel);
            key.append('\0').append(fetch.type()).append('\0').append(ScopeKeys.canonicalJson(source))
                    .append('\0').append(ScopeKeys.canonicalJson(params))
                    .append('\0').append(version == null ? "" : version.fields());
            Volume image = image(key.toString(), current, fetch, source, params, version, worker, log, cancel);
            current = fetch.containerType(image);
        }
        return current;
    }

    /**
     * The newest version of the pipeline's type {@code fetch.type()}, checking the type when its
     * history is empty; null outside a pipeline (the fetch then checks the image itself).
     */
    private Version newest(Pipeline pipeline, TypePlan.ImageFetch fetch, ResolvedType imageType,
            Map<String, Object> source, SourceEvaluator vars, Worker worker, OutputStream log, CancelSignal cancel) {
        if (pipeline == null) {
            return null;
        }
        Optional<PipelineResourceType> row = storage.pipelines().resourceTypes(pipeline.id()).stream()
                .filter(t -> t.name().equals(fetch.type())).findFirst();
        if (row.isEmpty()) {
            return null;
        }
        ResourceVersionStore versions = storage.versions();
        OptionalLong scope = versions.findScope(ScopeKeys.resourceType(row.get().id(), fetch.imageType(), source));
        Optional<ResourceVersion> latest = scope.isPresent() ? versions.latest(scope.getAsLong()) : Optional.empty();
        if (latest.isPresent()) {
            return latest.get().version();
        }
        String what = "resource type '" + fetch.type() + "'";
        try {
            checkImage(row.get(), fetch, imageType, source, worker, log, cancel);
        } catch (ResourceCancelledException e) {
            throw e;
        } catch (ResourceException | RuntimeOperationException e) {
            String error = "checking the image of " + what + " (a resource of type '" + fetch.imageType()
                    + "') failed: " + e.getMessage();
            versions.recordCheck(row.get().id(), clock.now(), vars.redact(error));
            throw new ResourceException(error, e);
        }
        OptionalLong saved = versions.findScope(ScopeKeys.resourceType(row.get().id(), fetch.imageType(), source));
        return versions.latest(saved.orElseThrow()).map(ResourceVersion::version).orElseThrow(
                () -> new ResourceException("checking the image of " + what + " (a resource of type '"
                        + fetch.imageType() + "') found no version; check its source"));
    }

    /**
     * Checks the image of the pipeline's custom type {@code type} now, as Concourse's check of a
     * resource type: from the newest version of its history, saving what it found there and
     * recording the check on the type. The custom types it is built on are made ready first (their
     * newest versions). A failure is thrown, not recorded (the caller records it).
     *
     * @param worker where the check runs; may be null when {@link #needsWorker} is false for
     *               {@link #imagePlan} of the type
     * @return the versions the check found, oldest first, and those it saved
     * @throws ResourceException when the type's chain cannot be resolved or the check fails
     */
    public TypeCheck checkType(Pipeline pipeline, PipelineResourceType type, SourceEvaluator vars, Worker worker,
            OutputStream log, CancelSignal cancel) {
        TypePlan plan = plan(type.name(), pipeline.config().resourceTypes());
        TypePlan.ImageFetch fetch = plan.imageFetches().getLast();
        ResolvedType imageType = chain(pipeline, plan, plan.imageFetches().size() - 1, vars, worker, log, cancel);
        Map<String, Object> source = vars.evaluate(fetch.source(), "source of resource type '" + fetch.type() + "'");
        return checkImage(type, fetch, imageType, source, worker, log, cancel);
    }

    /**
     * What it takes to check the image of {@code type}: the plan of the resource that provides it
     * (the type's own fetch left out), so that {@link #needsWorker} says whether its check needs one.
     */
    public TypePlan imagePlan(Pipeline pipeline, PipelineResourceType type) {
        TypePlan plan = plan(type.name(), pipeline.config().resourceTypes());
        List<TypePlan.ImageFetch> inner = plan.imageFetches().subList(0, plan.imageFetches().size() - 1);
        return new TypePlan(plan.imageFetches().getLast().imageType(), plan.baseType(), inner);
    }

    /** What a check of a type's image found (oldest first) and saved. */
    public record TypeCheck(long scopeId, List<Version> found, List<ResourceVersion> saved) {
    }

    private TypeCheck checkImage(PipelineResourceType type, TypePlan.ImageFetch fetch, ResolvedType imageType,
            Map<String, Object> source, Worker worker, OutputStream log, CancelSignal cancel) {
        ResourceVersionStore versions = storage.versions();
        long scopeId = versions.assignScope(type.id(), ScopeKeys.resourceType(type.id(), fetch.imageType(), source));
        Version from = versions.latest(scopeId).map(ResourceVersion::version).orElse(null);
        List<Version> found = resources.check(imageType, ResourceCall.check(source, from, log, cancel), worker);
        Instant now = clock.now();
        List<ResourceVersion> saved = found.isEmpty() ? List.of() : versions.saveVersions(scopeId, found, now);
        versions.recordCheck(type.id(), now, null);
        return new TypeCheck(scopeId, found, saved);
    }

    /**
     * A task's {@code image_resource} fetched (or reused) on {@code worker}: a volume holding
     * {@code rootfs/} and {@code metadata.json}. The type is resolved as for any resource (a base
     * type, or a custom type of {@code resourceTypes} whose own image is fetched first). With a
     * {@code version} that version is fetched without a check, as Concourse plans it; without one
     * the resource is checked and its latest version fetched. The volume is kept for the engine's
     * life per worker, resolved type, source, params and pinned version; a failed fetch is not kept.
     *
     * @param pipeline the build's pipeline, whose types' newest versions are used; null for a one-off build
     * @param task     the task's name, for messages and logs
     * @param type     {@code image_resource.type}
     * @param source   {@code image_resource.source}, vars resolved (the type's defaults are merged in)
     * @param params   {@code image_resource.params}, vars resolved
     * @param version  {@code image_resource.version}, or empty for the latest
     * @param log      the task's stderr: the image's check and get write there, after a line saying
     *                 what is fetched
     * @throws ResourceException naming the task when the type is unknown, the check fails or finds
     *                           nothing, or the get fails; a {@link ResourceCancelledException} when cancelled
     */
    public Volume taskImage(Pipeline pipeline, String task, String type, List<ResourceTypeConfig> resourceTypes,
            Map<String, Object> source, Map<String, Object> params, Map<String, String> version, boolean privileged,
            SourceEvaluator vars, Worker worker, OutputStream log, CancelSignal cancel) {
        Objects.requireNonNull(worker, "worker");
        String what = "task '" + task + "'";
        ResolvedType imageType;
        try {
            imageType = resolve(pipeline, type, resourceTypes, vars, worker, log, cancel);
        } catch (ResourceCancelledException e) {
            throw e;
        } catch (ResourceException e) {
            throw new ResourceException("the image_resource of " + what + " (type '" + type + "'): "
                    + e.getMessage(), e);
        }
        String typeKey = switch (imageType) {
            case ResolvedType.Native n -> "native\0" + n.name();
            case ResolvedType.Container c -> "container\0" + c.name() + "\0"
                    + (c.image().volume() != null ? c.image().volume().handle() : c.image().rootfsUri());
        };
        Version pinned = version.isEmpty() ? null : new Version(version);
        String key = worker.info().name() + "\0task-image\0" + typeKey + "\0" + ScopeKeys.canonicalJson(source)
                + "\0" + ScopeKeys.canonicalJson(params) + "\0" + (pinned == null ? "" : pinned.fields());
        return kept(key, worker, () -> {
            String line = "fetching the image of " + what + ": a resource of type '" + type + "'"
                    + (pinned == null ? ", its latest version" : ", version " + pinned) + "\n";
            try {
                log.write(line.getBytes(StandardCharsets.UTF_8));
                log.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return fetch(imageType, what, type, source, params, pinned, privileged,
                    Map.of("concourse:type", "task-image", "concourse:step-name", task), worker, log, cancel);
        });
    }

    private Volume kept(String key, Worker worker, Supplier<Volume> fetch) {
        Slot slot = images.computeIfAbsent(key, k -> new Slot());
        slot.lock.lock();
        try {
            if (slot.volume != null && worker.findVolume(slot.volume.handle()).isPresent()) {
                return slot.volume;
            }
            slot.volume = fetch.get();
            return slot.volume;
        } finally {
            slot.lock.unlock();
        }
    }

    private Volume image(String key, ResolvedType imageType, TypePlan.ImageFetch fetch, Map<String, Object> source,
            Map<String, Object> params, Version version, Worker worker, OutputStream log, CancelSignal cancel) {
        return kept(key, worker, () -> fetch(imageType, "resource type '" + fetch.type() + "'", fetch.imageType(),
                source, params, version, fetch.privileged(),
                Map.of("concourse:type", "resource-type-image", "concourse:resource-type", fetch.type()),
                worker, log, cancel));
    }

    /**
     * A check (unless {@code pinned}) and a get of the image of {@code what} into a new volume.
     *
     * @param pinned the version to fetch, or null for the latest a check finds
     */
    private Volume fetch(ResolvedType imageType, String what, String imageTypeName, Map<String, Object> source,
            Map<String, Object> params, Version pinned, boolean privileged, Map<String, String> properties,
            Worker worker, OutputStream log, CancelSignal cancel) {
        Version version = pinned;
        if (version == null) {
            List<Version> versions;
            try {
                versions = resources.check(imageType, ResourceCall.check(source, null, log, cancel), worker);
            } catch (ResourceCancelledException e) {
                throw e;
            } catch (ResourceException | RuntimeOperationException e) {
                throw new ResourceException("checking the image of " + what + " (a resource of type '"
                        + imageTypeName + "') failed: " + e.getMessage(), e);
            }
            if (versions.isEmpty()) {
                throw new ResourceException("checking the image of " + what + " (a resource of type '"
                        + imageTypeName + "') found no version; check its source");
            }
            version = versions.getLast();
        }
        Volume volume;
        try {
            volume = worker.createVolume(new VolumeSpec(null, null, privileged, properties));
        } catch (RuntimeOperationException e) {
            throw new ResourceException("cannot create a volume for the image of " + what + " on worker "
                    + worker.info().name() + ": " + e.getMessage(), e);
        }
        try {
            resources.get(imageType, ResourceCall.get(source, params, version, Map.of(), log, cancel), worker, volume);
            return volume;
        } catch (RuntimeException e) {
            destroy(volume);
            if (e instanceof ResourceCancelledException cancelled) {
                throw cancelled;
            }
            if (e instanceof ResourceException || e instanceof RuntimeOperationException) {
                throw new ResourceException("fetching the image of " + what + " (version " + version
                        + ") failed: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Destroys the kept images. */
    @Override
    public void close() {
        List<Volume> kept = new ArrayList<>();
        for (Slot slot : images.values()) {
            slot.lock.lock();
            try {
                if (slot.volume != null) {
                    kept.add(slot.volume);
                    slot.volume = null;
                }
            } finally {
                slot.lock.unlock();
            }
        }
        images.clear();
        kept.forEach(ResourceTypeImages::destroy);
    }

    private static void destroy(Volume volume) {
        try {
            volume.destroy();
        } catch (RuntimeException e) {
            LOG.warn("could not destroy resource type image volume {} on worker {}: {}", volume.handle(),
                    volume.workerName(), e.toString());
        }
    }
}
