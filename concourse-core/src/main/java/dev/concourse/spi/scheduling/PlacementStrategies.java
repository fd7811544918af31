package dev.concourse.spi.scheduling;

import dev.concourse.WorkerInfo;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Concourse's container placement strategies ({@code --container-placement-strategy}), and the
 * compatibility filter that comes before them.
 *
 * <p>How the engine places a step: {@link #compatible} narrows all workers to those that may take
 * it; the strategy {@linkplain PlacementStrategy#order orders} them (and may drop some); the
 * engine tries them in order, calling {@link PlacementStrategy#approve approve} until one
 * accepts, and {@link PlacementStrategy#release release} when the step is done. If none
 * accepts, the step waits and tries again.
 *
 * <p>Every strategy here is thread-safe. The counting ones ({@link #limitActiveTasks}) keep their
 * counts in the strategy object: use one instance per engine, for all its builds.
 */
public final class PlacementStrategies {
    private PlacementStrategies() {
    }

    /**
     * The workers that may run a step, as Concourse decides: same {@code platform} when the
     * request names one; a team worker only for its own team; a step with tags only on workers
     * that have all of them, an untagged step never on a tagged worker. If any team workers
     * qualify, only they are returned (team workers are preferred over general ones); otherwise
     * the general workers. Keeps the input order.
     *
     * <p>Unlike Concourse, worker state and version and resource types are not checked here: the
     * runtime lists only running workers, and a {@link PlacementRequest} names no resource type.
     */
    public static List<Worker> compatible(List<Worker> workers, PlacementRequest request) {
        List<Worker> teamWorkers = new ArrayList<>();
        List<Worker> generalWorkers = new ArrayList<>();
        for (Worker worker : workers) {
            WorkerInfo info = worker.info();
            if (request.platform() != null && !request.platform().equals(info.platform())) {
                continue;
            }
            if (info.team() != null && !info.team().equals(request.team())) {
                continue;
            }
            if (!tagsMatch(info.tags(), request.tags())) {
                continue;
            }
            (info.team() != null ? teamWorkers : generalWorkers).add(worker);
        }
        return teamWorkers.isEmpty() ? generalWorkers : teamWorkers;
    }

    /**
     * {@code volume-locality} (Concourse's default): workers holding more of the step's input
     * volumes first; ties keep their order. Drops nothing.
     */
    public static PlacementStrategy volumeLocality() {
        return new Ordering("volume-locality", (request, workers) -> {
            Map<String, Integer> counts = new HashMap<>();
            for (Volume input : request.inputs()) {
                counts.merge(input.workerName(), 1, Integer::sum);
            }
            return worker -> -counts.getOrDefault(worker.info().name(), 0);
        });
    }

    /**
     * {@code fewest-build-containers}: workers with fewer containers first; ties keep their order.
     * Drops nothing. Unlike Concourse, which counts only containers of builds, this counts every
     * container the worker lists ({@link Worker#containers()}), check containers included.
     */
    public static PlacementStrategy fewestBuildContainers() {
        return new Ordering("fewest-build-containers", (request, workers) -> {
            Map<Worker, Integer> counts = new HashMap<>();
            workers.forEach(w -> counts.put(w, w.containers().size()));
            return counts::get;
        });
    }

    /**
     * {@code limit-active-tasks}: at most {@code max} task steps at a time per worker
     * ({@code --max-active-tasks-per-worker}). For task steps, workers at the limit are dropped
     * and the others ordered by fewest active tasks; {@code approve} counts a task on its worker
     * and refuses it if the worker reached the limit meanwhile; {@code release} uncounts it. Steps
     * of other kinds pass through untouched and uncounted. {@code max} 0 means no limit (tasks are
     * still counted and ordered by).
     *
     * <p>The counts are this object's: they cover the tasks placed through it.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public static PlacementStrategy limitActiveTasks(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max active tasks per worker must be 0 (no limit) or more, not " + max);
        }
        return new LimitActiveTasks(max);
    }

    /**
     * {@code limit-active-containers}: drops workers that have {@code max} containers or more
     * ({@code --max-active-containers-per-worker}), and {@code approve} refuses a worker that has
     * reached it meanwhile. Like Concourse, two steps approved at the same moment may both pass:
     * the count is the worker's containers, which exist only once the steps create them.
     * {@code max} 0 means no limit.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public static PlacementStrategy limitActiveContainers(int max) {
        return new Limit("limit-active-containers", max, w -> w.containers().size());
    }

    /**
     * {@code limit-active-volumes}: as {@link #limitActiveContainers} for the worker's volumes
     * ({@code --max-active-volumes-per-worker}).
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public static PlacementStrategy limitActiveVolumes(int max) {
        return new Limit("limit-active-volumes", max, w -> w.volumes().size());
    }

    /**
     * {@code random}: shuffles the candidates with {@code random} (used under a lock, so any
     * generator will do). Last in a {@link #chain}, it breaks the ties the others leave, which is
     * what Concourse does by shuffling before every placement.
     */
    public static PlacementStrategy random(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return new PlacementStrategy() {
            @Override
            public String name() {
                return "random";
            }

            @Override
            public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
                List<Worker> shuffled = new ArrayList<>(candidates);
                synchronized (this) {
                    for (int i = shuffled.size() - 1; i > 0; i--) {
                        int j = random.nextInt(i + 1);
                        shuffled.set(i, shuffled.set(j, shuffled.get(i)));
                    }
                }
                return shuffled;
            }
        };
    }

    /**
     * Several strategies as one, in Concourse's order of precedence: the first decides, the next
     * breaks its ties, and so on (orders are applied last to first, each a stable sort); any may
     * drop workers. {@code approve} asks each in turn and, if one refuses, releases those that
     * approved; {@code release} releases all, last first. Its name is the names joined by
     * {@code ,}. With no strategies, the candidates stay as they are.
     */
    public static PlacementStrategy chain(PlacementStrategy... strategies) {
        List<PlacementStrategy> chain = List.of(strategies);
        String name = chain.stream().map(PlacementStrategy::name).collect(Collectors.joining(","));
        return new PlacementStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
                List<Worker> ordered = List.copyOf(candidates);
                for (int i = chain.size() - 1; i >= 0; i--) {
                    ordered = List.copyOf(chain.get(i).order(request, ordered));
                }
                return ordered;
            }

            @Override
            public boolean approve(Worker worker, PlacementRequest request) {
                for (int i = 0; i < chain.size(); i++) {
                    if (!chain.get(i).approve(worker, request)) {
                        for (int j = i - 1; j >= 0; j--) {
                            chain.get(j).release(worker, request);
                        }
                        return false;
                    }
                }
                return true;
            }

            @Override
            public void release(Worker worker, PlacementRequest request) {
                for (int i = chain.size() - 1; i >= 0; i--) {
                    chain.get(i).release(worker, request);
                }
            }

            @Override
            public String toString() {
                return "PlacementStrategy[" + name + "]";
            }
        };
    }

    private static boolean tagsMatch(List<String> workerTags, List<String> stepTags) {
        if (!workerTags.isEmpty() && stepTags.isEmpty()) {
            return false;
        }
        return workerTags.containsAll(stepTags);
    }

    /** A strategy that only orders: a stable sort by a key computed once per placement. */
    private record Ordering(String name, KeyFactory keys) implements PlacementStrategy {
        @Override
        public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
            ToIntFunction<Worker> key = keys.keysFor(request, candidates);
            Map<Worker, Integer> computed = new HashMap<>();
            candidates.forEach(w -> computed.put(w, key.applyAsInt(w)));
            List<Worker> sorted = new ArrayList<>(candidates);
            sorted.sort(Comparator.comparingInt(computed::get)); // List.sort is stable
            return sorted;
        }
    }

    @FunctionalInterface
    private interface KeyFactory {
        ToIntFunction<Worker> keysFor(PlacementRequest request, List<Worker> candidates);
    }

    /** Drops workers whose current count (of containers, volumes) reached the limit. */
    private record Limit(String name, int max, ToIntFunction<Worker> count) implements PlacementStrategy {
        Limit {
            if (max < 0) {
                throw new IllegalArgumentException(name + ": the maximum must be 0 (no limit) or more, not " + max);
            }
        }

        @Override
        public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
            return candidates.stream().filter(this::underLimit).toList();
        }

        @Override
        public boolean approve(Worker worker, PlacementRequest request) {
            return underLimit(worker);
        }

        private boolean underLimit(Worker worker) {
            return max == 0 || count.applyAsInt(worker) < max;
        }
    }

    private static final class LimitActiveTasks implements PlacementStrategy {
        private final int max;
        private final ConcurrentHashMap<String, Integer> activeTasks = new ConcurrentHashMap<>();

        LimitActiveTasks(int max) {
            this.max = max;
        }

        @Override
        public String name() {
            return "limit-active-tasks";
        }

        @Override
        public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
            if (request.kind() != PlacementRequest.StepKind.TASK) {
                return candidates;
            }
            Map<Worker, Integer> counts = new HashMap<>();
            candidates.forEach(w -> counts.put(w, active(w)));
            List<Worker> result = new ArrayList<>();
            for (Worker worker : candidates) {
                if (max == 0 || counts.get(worker) < max) {
                    result.add(worker);
                }
            }
            result.sort(Comparator.comparingInt(counts::get));
            return result;
        }

        @Override
        public boolean approve(Worker worker, PlacementRequest request) {
            if (request.kind() != PlacementRequest.StepKind.TASK) {
                return true;
            }
            boolean[] approved = {false};
            activeTasks.compute(worker.info().name(), (name, count) -> {
                int current = count == null ? 0 : count;
                if (max != 0 && current >= max) {
                    return count;
                }
                approved[0] = true;
                return current + 1;
            });
            return approved[0];
        }

        @Override
        public void release(Worker worker, PlacementRequest request) {
            if (request.kind() != PlacementRequest.StepKind.TASK) {
                return;
            }
            activeTasks.computeIfPresent(worker.info().name(), (name, count) -> count <= 1 ? null : count - 1);
        }

        private int active(Worker worker) {
            return activeTasks.getOrDefault(worker.info().name(), 0);
        }
    }
}
