package dev.concourse.internal.engine;

import dev.concourse.spi.scheduling.EngineClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The real clock, with one daemon scheduler thread per engine. */
public final class SystemEngineClock implements EngineClock, AutoCloseable {
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    public SystemEngineClock() {
        this(Clock.systemUTC());
    }

    public SystemEngineClock(Clock clock) {
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "concourse-clock");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = scheduler.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
