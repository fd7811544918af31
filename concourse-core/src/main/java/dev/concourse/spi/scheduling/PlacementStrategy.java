package dev.concourse.spi.scheduling;

import dev.concourse.spi.runtime.Worker;
import java.util.List;

/**
 * Chooses among the workers that can run a step (Concourse's {@code --container-placement-strategy}).
 * The engine gives it the {@linkplain PlacementStrategies#compatible compatible} workers, tries the
 * workers of {@link #order} in turn until one is {@linkplain #approve approved}, and {@linkplain
 * #release releases} it when the step is done. Several strategies combine with
 * {@link PlacementStrategies#chain}: the first decides, the later ones break its ties, any may drop
 * workers. Built-ins are in {@link PlacementStrategies}.
 *
 * <p>Implementations must be thread-safe: many steps are placed at once.
 */
public interface PlacementStrategy {

    /** A name for logs and errors, such as {@code volume-locality}. */
    String name();

    /**
     * Orders the candidates, best first; may drop workers that must not take the step now
     * (limits). Must not modify {@code candidates}.
     */
    List<Worker> order(PlacementRequest request, List<Worker> candidates);

    /**
     * Called when the engine is about to place the step on {@code worker}; a limiting strategy
     * counts it here. Returns false to refuse (the limit was reached meanwhile); the engine then
     * tries the next worker of {@link #order}'s result and, when all refuse, waits and tries again.
     * Every approval is matched by one {@link #release}.
     */
    default boolean approve(Worker worker, PlacementRequest request) {
        return true;
    }

    /** Called when a step approved on {@code worker} is done. */
    default void release(Worker worker, PlacementRequest request) {
    }
}
