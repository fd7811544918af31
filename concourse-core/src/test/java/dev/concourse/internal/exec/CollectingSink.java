package dev.concourse.internal.exec;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.event.BuildEventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A sink that keeps every event, and lets a test wait for one. */
final class CollectingSink implements BuildEventSink {
    private final List<BuildEvent> events = new ArrayList<>();

    @Override
    public synchronized void emit(BuildEvent event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<BuildEvent> events() {
        return List.copyOf(events);
    }

    /** Waits until an event matches, failing the test after {@code timeout}. */
    synchronized BuildEvent await(Predicate<BuildEvent> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (BuildEvent event : events) {
                if (matching.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout + "; events: " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    <T extends BuildEvent> List<T> ofType(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Everything a step wrote to a stream, in order. */
    String output(String planId, Origin.Source source) {
        StringBuilder out = new StringBuilder();
        for (BuildEvent.Log log : ofType(BuildEvent.Log.class)) {
            if (log.origin().id().equals(planId) && log.origin().source() == source) {
                out.append(log.payload());
            }
        }
        return out.toString();
    }

    /** All stdout of all steps. */
    String stdout() {
        StringBuilder out = new StringBuilder();
        for (BuildEvent.Log log : ofType(BuildEvent.Log.class)) {
            if (log.origin().source() == Origin.Source.STDOUT) {
                out.append(log.payload());
            }
        }
        return out.toString();
    }

    /** The event types of one step, in order, logs left out. */
    List<String> typesOf(String planId) {
        return events().stream()
                .filter(e -> !(e instanceof BuildEvent.Log))
                .filter(e -> planId.equals(originId(e)))
                .map(BuildEvent::type)
                .toList();
    }

    List<String> errors() {
        return ofType(BuildEvent.Error.class).stream().map(BuildEvent.Error::message).toList();
    }

    static String originId(BuildEvent event) {
        return switch (event) {
            case BuildEvent.Log e -> e.origin().id();
            case BuildEvent.Error e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.InitializeTask e -> e.origin().id();
            case BuildEvent.StartTask e -> e.origin().id();
            case BuildEvent.FinishTask e -> e.origin().id();
            case BuildEvent.Initialize e -> e.origin().id();
            case BuildEvent.Start e -> e.origin().id();
            case BuildEvent.Finish e -> e.origin().id();
            case BuildEvent.WaitingForWorker e -> e.origin().id();
            case BuildEvent.SelectedWorker e -> e.origin().id();
            case BuildEvent.InitializeGet e -> e.origin().id();
            case BuildEvent.StartGet e -> e.origin().id();
            case BuildEvent.FinishGet e -> e.origin().id();
            case BuildEvent.InitializePut e -> e.origin().id();
            case BuildEvent.StartPut e -> e.origin().id();
            case BuildEvent.FinishPut e -> e.origin().id();
            default -> null;
        };
    }
}
