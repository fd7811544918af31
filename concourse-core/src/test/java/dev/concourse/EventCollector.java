package dev.concourse;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Subscribes to a build's events and collects them until the stream completes. */
final class EventCollector implements Flow.Subscriber<SequencedEvent> {
    final List<SequencedEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<SequencedEvent>> done = new CompletableFuture<>();

    static List<SequencedEvent> all(PipelineEngine engine, long buildId) throws Exception {
        EventCollector collector = new EventCollector();
        engine.builds().events(buildId, 1).subscribe(collector);
        return collector.done.get(60, TimeUnit.SECONDS);
    }

    static String log(List<SequencedEvent> events) {
        return events.stream().map(SequencedEvent::event)
                .filter(e -> e instanceof BuildEvent.Log)
                .map(e -> ((BuildEvent.Log) e).payload())
                .collect(Collectors.joining());
    }

    static List<String> types(List<SequencedEvent> events) {
        return events.stream().map(e -> e.event().type()).toList();
    }

    static Build awaitFinished(PipelineEngine engine, Build build) throws InterruptedException {
        return engine.builds().await(build.id(), Duration.ofSeconds(60));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(SequencedEvent item) {
        events.add(item);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits until the log so far contains {@code text}; false if the timeout passed first. */
    synchronized boolean awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log(events).contains(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || done.isDone()) {
                return log(events).contains(text);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        done.complete(List.copyOf(events));
    }
}
