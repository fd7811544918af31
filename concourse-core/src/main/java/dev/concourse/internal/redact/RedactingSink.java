package dev.concourse.internal.redact;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.TaskSummary;
import dev.concourse.internal.event.BuildEventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces every secret a build's {@link SecretTracker} knows with {@code ((redacted))} in the
 * build's events before they reach the real sink: log output, error messages, and the task
 * config that task events show (image, path, args, dir).
 *
 * <p>Output arrives in chunks that can split a secret. For each origin (step and stream) the sink
 * holds back the end of a chunk that could be the start of a secret, at most the length of the
 * longest one, and puts it in front of that origin's next chunk; whatever is held is emitted
 * (redacted) before any other event of the same step (its {@code finish-task}, {@code finish},
 * {@code error}...), before a {@code status} event or a build-level error, and on {@link #flush()}.
 * No text is lost or reordered within an origin; held text keeps the time of the chunk it came
 * with. An event that needs no change is passed on as the same object, so output without secrets
 * costs one scan and no copy.
 *
 * <p>Thread-safe: parallel steps emit concurrently; each origin's events are handled under that
 * origin's lock, so their order is kept.
 */
public final class RedactingSink implements BuildEventSink {

    private static final Origin.Source[] STREAMS = {Origin.Source.STDOUT, Origin.Source.STDERR, null};

    private final BuildEventSink delegate;
    private final SecretTracker tracker;
    private final ConcurrentHashMap<Origin, Held> held = new ConcurrentHashMap<>();

    /** A sink that redacts the tracker's secrets from the events it passes to {@code delegate}. */
    public RedactingSink(BuildEventSink delegate, SecretTracker tracker) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
    }

    /**
     * {@code delegate} wrapped in a {@link RedactingSink} when {@code redact} is true (the default
     * setting), else {@code delegate} itself.
     */
    public static BuildEventSink wrap(BuildEventSink delegate, SecretTracker tracker, boolean redact) {
        return redact ? new RedactingSink(delegate, tracker) : Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void emit(BuildEvent event) {
        switch (event) {
            case BuildEvent.Log log -> emitLog(log);
            case BuildEvent.Status status -> {
                flush();
                delegate.emit(status);
            }
            case BuildEvent.Error error -> {
                if (error.origin() == null) {
                    flush();
                } else {
                    flush(error.origin().id());
                }
                String message = tracker.redact(error.message());
                delegate.emit(message == error.message() ? error
                        : new BuildEvent.Error(error.time(), error.origin(), message));
            }
            case BuildEvent.InitializeTask task -> {
                flush(task.origin().id());
                TaskSummary config = redact(task.config());
                delegate.emit(config == task.config() ? task
                        : new BuildEvent.InitializeTask(task.time(), task.origin(), config));
            }
            case BuildEvent.StartTask task -> {
                flush(task.origin().id());
                TaskSummary config = redact(task.config());
                delegate.emit(config == task.config() ? task
                        : new BuildEvent.StartTask(task.time(), task.origin(), config));
            }
            case BuildEvent.FinishTask e -> flushThenEmit(e.origin(), e);
            case BuildEvent.Initialize e -> flushThenEmit(e.origin(), e);
            case BuildEvent.Start e -> flushThenEmit(e.origin(), e);
            case BuildEvent.Finish e -> flushThenEmit(e.origin(), e);
            case BuildEvent.WaitingForWorker e -> flushThenEmit(e.origin(), e);
            case BuildEvent.SelectedWorker e -> flushThenEmit(e.origin(), e);
            case BuildEvent.SetPipelineChanged e -> flushThenEmit(e.origin(), e);
            // Across values are not secrets (Concourse shows them as they are).
            case BuildEvent.AcrossSubsteps e -> flushThenEmit(e.origin(), e);
            // Versions and metadata are shown as the resource reported them, as in Concourse.
            case BuildEvent.InitializeGet e -> flushThenEmit(e.origin(), e);
            case BuildEvent.StartGet e -> flushThenEmit(e.origin(), e);
            case BuildEvent.FinishGet e -> flushThenEmit(e.origin(), e);
            case BuildEvent.InitializePut e -> flushThenEmit(e.origin(), e);
            case BuildEvent.StartPut e -> flushThenEmit(e.origin(), e);
            case BuildEvent.FinishPut e -> flushThenEmit(e.origin(), e);
        }
    }

    /** Emits everything held back for every origin, for the end of a build. */
    public void flush() {
        for (Origin origin : new ArrayList<>(held.keySet())) {
            flush(origin);
        }
    }

    private void flushThenEmit(Origin origin, BuildEvent event) {
        flush(origin.id());
        delegate.emit(event);
    }

    private void flush(String originId) {
        for (Origin.Source source : STREAMS) {
            flush(new Origin(originId, source));
        }
    }

    private void flush(Origin origin) {
        Held state = held.remove(origin);
        if (state == null) {
            return;
        }
        synchronized (state) {
            state.closed = true;
            if (!state.text.isEmpty()) {
                delegate.emit(new BuildEvent.Log(state.time, origin, tracker.redact(state.text)));
                state.text = "";
            }
        }
    }

    private void emitLog(BuildEvent.Log log) {
        SecretMatcher matcher = tracker.matcher();
        if (matcher.isEmpty()) {
            // Nothing is held while there are no secrets: held text needs a secret's prefix.
            delegate.emit(log);
            return;
        }
        while (true) {
            Held state = held.computeIfAbsent(log.origin(), o -> new Held());
            synchronized (state) {
                if (state.closed) {
                    continue;
                }
                // The tracker may have grown since the first read; use what it knows now.
                emitLog(log, state, tracker.matcher());
                return;
            }
        }
    }

    // Called with the origin's lock held, so chunks of one origin are handled one at a time.
    private void emitLog(BuildEvent.Log log, Held state, SecretMatcher matcher) {
        String payload = log.payload();
        boolean carried = !state.text.isEmpty();
        String text = carried ? state.text.concat(payload) : payload;
        SecretMatcher.Intervals found = new SecretMatcher.Intervals();
        int cut = text.length() - matcher.scan(text, found);
        // A complete secret can end inside the held tail: start the held text at the secret's start.
        for (int i = found.size() - 1; i >= 0 && found.end(i) > cut; i--) {
            if (found.start(i) < cut) {
                cut = found.start(i);
            }
        }
        state.text = text.substring(cut);
        state.time = log.time();
        if (!carried && cut == text.length() && found.isEmpty()) {
            delegate.emit(log);
            return;
        }
        if (cut > 0) {
            String out = found.isEmpty() ? text.substring(0, cut) : found.apply(text, 0, cut, SecretTracker.REDACTED);
            delegate.emit(new BuildEvent.Log(log.time(), log.origin(), out));
        }
    }

    private TaskSummary redact(TaskSummary config) {
        if (config == null || tracker.isEmpty()) {
            return config;
        }
        String image = tracker.redact(config.image());
        String path = tracker.redact(config.path());
        String dir = tracker.redact(config.dir());
        List<String> args = config.args();
        List<String> redactedArgs = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = tracker.redact(args.get(i));
            if (arg != args.get(i) && redactedArgs == null) {
                redactedArgs = new ArrayList<>(args.subList(0, i));
            }
            if (redactedArgs != null) {
                redactedArgs.add(arg);
            }
        }
        if (image == config.image() && path == config.path() && dir == config.dir() && redactedArgs == null) {
            return config;
        }
        return new TaskSummary(config.platform(), image, path, redactedArgs == null ? args : redactedArgs, dir,
                config.inputs());
    }

    /** What is held back for one origin. */
    private static final class Held {
        String text = "";
        Instant time;
        /** Set when flushed and removed from the map; a writer that still has it looks it up again. */
        boolean closed;
    }
}
