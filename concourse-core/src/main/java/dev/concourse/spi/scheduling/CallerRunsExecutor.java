package dev.concourse.spi.scheduling;

import java.util.concurrent.Executor;

/**
 * An {@link Executor} that tells the engine to run its blocking in-JVM calls on the thread that
 * makes them, instead of handing each to a thread of its own: for executors that run all engine
 * work on threads they drive themselves, one at a time ({@code concourse-test-kit}'s
 * deterministic driver), where a hand-over only costs two thread switches.
 *
 * <p>Today that covers the calls of native resource types ({@code check}, {@code get},
 * {@code put}). What changes for them: cancelling such a call interrupts the calling thread (it
 * is the call's thread) and the call ends when the type returns; it cannot be abandoned after the
 * abort grace period, so a native type that ignores cancellation holds its caller until it
 * returns. With any other executor (the default, a virtual thread per task) each call runs on a
 * virtual thread of its own and is abandoned after the grace period.
 *
 * <p>Implementations follow {@link Executor}'s contract as engine executors do (thread-safe, no
 * cap on threads); this interface adds no method.
 */
public interface CallerRunsExecutor extends Executor {
}
