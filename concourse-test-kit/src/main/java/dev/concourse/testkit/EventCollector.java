package dev.concourse.testkit;

import dev.concourse.event.SequencedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** Collects a build's events delivered on the calling thread (the harness runs the delivery inline). */
final class EventCollector implements Flow.Subscriber<SequencedEvent> {
    private final List<SequencedEvent> events = new ArrayList<>();
    private Flow.Subscription subscription;
    private Throwable error;
    private boolean complete;

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(SequencedEvent item) {
        events.add(item);
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        error = throwable;
    }

    @Override
    public synchronized void onComplete() {
        complete = true;
    }

    /** The events so far; cancels the subscription when the build has not finished (a partial read). */
    synchronized List<SequencedEvent> take() {
        if (error != null) {
            throw new IllegalStateException("reading the build's events failed: " + error.getMessage(), error);
        }
        if (!complete && subscription != null) {
            subscription.cancel();
        }
        return List.copyOf(events);
    }
}
