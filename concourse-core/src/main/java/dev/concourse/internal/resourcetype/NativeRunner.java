package dev.concourse.internal.resourcetype;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.resource.ResourceException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.scheduling.EngineClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls of native resource types: each on a virtual thread of its own, so that cancelling it
 * can interrupt that thread without touching the caller's, and the caller can stop waiting for a
 * type that ignores cancellation once the abort grace period has passed (the call is then
 * abandoned). When the engine's executor is a
 * {@link dev.concourse.spi.scheduling.CallerRunsExecutor}, on the calling thread instead
 * ({@link #callOnCaller}). Also gives native types the directories they work in: a volume's own directory when
 * the volume is on this host, else a temporary directory streamed into or out of the volume.
 */
final class NativeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(NativeRunner.class);

    private final EngineClock clock;
    private final Duration abortGracePeriod;
    private final boolean onCaller;

    NativeRunner(EngineClock clock, Duration abortGracePeriod, boolean onCaller) {
        this.clock = clock;
        this.abortGracePeriod = abortGracePeriod;
        this.onCaller = onCaller;
    }

    /**
     * Runs {@code body} for {@code description} ({@code check of resource type 'mock'}) and returns
     * its result. A {@link ResourceException} it throws is passed on; any other runtime exception
     * becomes one. When {@code cancel} is raised (or the calling thread is interrupted) the body's
     * thread is interrupted, and the call ends with a {@link ResourceCancelledException} when the
     * body has ended or the grace period has passed, whichever comes first.
     */
    <T> T call(String description, CancelSignal cancel, Supplier<T> body) {
        ResourceCancelledException.throwIfCancelled(cancel, description);
        if (onCaller) {
            return callOnCaller(description, cancel, body);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name(description).unstarted(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        AtomicReference<EngineClock.Scheduled> abandon = new AtomicReference<>();
        Runnable stop = () -> {
            thread.interrupt();
            abandon.compareAndSet(null, clock.schedule(abortGracePeriod, () -> result.completeExceptionally(
                    new ResourceCancelledException(description + " was abandoned: it did not stop within "
                            + abortGracePeriod + " of being cancelled"))));
        };
        thread.start();
        CancelSignal.Registration registration = cancel.onCancel(stop);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T value = result.get();
                    if (cancel.isCancelled() || interrupted) {
                        throw new ResourceCancelledException(description + " was cancelled");
                    }
                    return value;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop.run();
                } catch (ExecutionException e) {
                    throw failure(description, cancel.isCancelled() || interrupted, e.getCause());
                }
            }
        } finally {
            registration.close();
            EngineClock.Scheduled pending = abandon.get();
            if (pending != null) {
                pending.cancel();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@link #call} on the calling thread: cancelling interrupts this thread while the body runs,
     * and the call ends when the body returns, with a {@link ResourceCancelledException} if it was
     * cancelled meanwhile. The interrupt a cancellation caused is taken back; one from elsewhere
     * (before or during the call) cancels the call too and is kept, as on the threaded path.
     */
    private static <T> T callOnCaller(String description, CancelSignal cancel, Supplier<T> body) {
        Thread caller = Thread.currentThread();
        if (caller.isInterrupted()) {
            throw new ResourceCancelledException(description + " was cancelled");
        }
        Object lock = new Object();
        boolean[] running = {true};
        CancelSignal.Registration registration = cancel.onCancel(() -> {
            synchronized (lock) {
                if (running[0]) {
                    caller.interrupt();
                }
            }
        });
        T value;
        boolean interruptedElsewhere = false;
        try {
            value = body.get();
        } catch (RuntimeException e) {
            throw failure(description, cancel.isCancelled() || caller.isInterrupted(), e);
        } finally {
            registration.close();
            synchronized (lock) {
                running[0] = false;
                boolean interrupted = Thread.interrupted();
                if (interrupted && !cancel.isCancelled()) {
                    interruptedElsewhere = true;
                    caller.interrupt();
                }
            }
        }
        if (cancel.isCancelled() || interruptedElsewhere) {
            throw new ResourceCancelledException(description + " was cancelled");
        }
        return value;
    }

    private static RuntimeException failure(String description, boolean cancelled, Throwable cause) {
        if (cause instanceof ResourceCancelledException e) {
            return e;
        }
        if (cancelled) {
            return new ResourceCancelledException(description + " was cancelled", cause);
        }
        if (cause instanceof ResourceException e) {
            return e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        LOG.debug("{} failed", description, cause);
        return new ResourceException(description + " failed: " + cause, cause);
    }

    /**
     * Runs {@code body} on a directory holding {@code volume}'s content: the volume's own directory
     * when it is on this host, else a temporary one streamed into the volume once {@code body}
     * returned (a remote worker's volume).
     */
    static <T> T intoVolume(Volume volume, Function<Path, T> body) {
        Path local = localDirectory(volume);
        if (local != null) {
            return body.apply(local);
        }
        Path staging = temporaryDirectory("concourse-get-");
        try {
            T result = body.apply(staging);
            try (InputStream tar = Tar.streamOut(staging)) {
                volume.streamIn(".", tar);
            } catch (IOException e) {
                throw new ResourceException("cannot stream the fetched files into volume " + volume.handle()
                        + " on worker " + volume.workerName() + ": " + e.getMessage(), e);
            }
            return result;
        } finally {
            delete(staging);
        }
    }

    /**
     * Runs {@code body} on a temporary directory holding one entry per artifact: a symbolic link to
     * the artifact's directory when it is on this host (a copy where links are not supported),
     * else its content streamed out of the volume.
     */
    static <T> T withArtifacts(Map<String, Volume> artifacts, Function<Path, T> body) {
        Path directory = temporaryDirectory("concourse-put-");
        try {
            for (Map.Entry<String, Volume> artifact : artifacts.entrySet()) {
                String name = artifact.getKey();
                Path target = directory.resolve(name).normalize();
                if (name.isEmpty() || !directory.equals(target.getParent())) {
                    throw new ResourceException("cannot give artifact '" + name + "' to a put: not a valid name");
                }
                Volume volume = artifact.getValue();
                Path local = localDirectory(volume);
                try {
                    if (local != null) {
                        try {
                            Files.createSymbolicLink(target, local);
                            continue;
                        } catch (UnsupportedOperationException | FileSystemException e) {
                            // no links here: copy below
                        }
                    }
                    Files.createDirectory(target);
                    try (InputStream tar = volume.streamOut(".")) {
                        Tar.extract(tar, target);
                    }
                } catch (IOException e) {
                    throw new ResourceException("cannot give artifact '" + name + "' (volume " + volume.handle()
                            + " on worker " + volume.workerName() + ") to a put: " + e.getMessage(), e);
                }
            }
            return body.apply(directory);
        } finally {
            delete(directory);
        }
    }

    private static Path localDirectory(Volume volume) {
        try {
            Path path = Path.of(volume.path());
            return path.isAbsolute() && Files.isDirectory(path) ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for a native resource type: "
                    + e.getMessage(), e);
        }
    }

    /** Deletes a tree without following links (so linked artifacts are never touched). */
    private static void delete(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete temporary directory {} of a native resource type: {}", root, e.toString());
        }
    }
}
