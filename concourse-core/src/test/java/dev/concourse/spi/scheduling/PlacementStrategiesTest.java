package dev.concourse.spi.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest.StepKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Placement against real local workers, each a {@link LocalProcessRuntime} of its own. */
class PlacementStrategiesTest {
    private final List<LocalProcessRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(LocalProcessRuntime::close);
    }

    private Worker worker(String name, LocalProcessRuntime.Builder builder) {
        LocalProcessRuntime runtime = builder.workerName(name).build();
        runtimes.add(runtime);
        return runtime.workers().getFirst();
    }

    private Worker worker(String name) {
        return worker(name, LocalProcessRuntime.builder().platform("linux"));
    }

    private static PlacementRequest request(StepKind kind, List<Volume> inputs) {
        return new PlacementRequest("main", kind, null, List.of(), inputs);
    }

    private static void containers(Worker worker, int count) {
        for (int i = 0; i < count; i++) {
            worker.createContainer(new ContainerSpec(null, null, Map.of(), null, null, List.of(), null, false,
                    Map.of()));
        }
    }

    private static List<String> names(List<Worker> workers) {
        return workers.stream().map(w -> w.info().name()).toList();
    }

    @Nested
    class Compatible {
        private final Worker general = worker("general");
        private final Worker gpu = worker("gpu", LocalProcessRuntime.builder().platform("linux").tags("gpu"));
        private final Worker bigGpu = worker("big-gpu",
                LocalProcessRuntime.builder().platform("linux").tags("gpu", "big"));
        private final Worker teamA = worker("team-a", LocalProcessRuntime.builder().platform("linux").team("a"));
        private final Worker teamAGpu = worker("team-a-gpu",
                LocalProcessRuntime.builder().platform("linux").team("a").tags("gpu"));
        private final Worker windows = worker("windows", LocalProcessRuntime.builder().platform("windows"));
        private final List<Worker> all = List.of(general, gpu, bigGpu, teamA, teamAGpu, windows);

        private List<String> compatible(String team, String platform, String... tags) {
            return names(PlacementStrategies.compatible(all,
                    new PlacementRequest(team, StepKind.TASK, platform, List.of(tags), List.of())));
        }

        @Test
        void untaggedStepsNeverGoToTaggedWorkers() {
            assertThat(compatible("main", null)).containsExactly("general", "windows");
        }

        @Test
        void taggedStepsGoOnlyToWorkersWithAllTheirTags() {
            assertThat(compatible("main", null, "gpu")).containsExactly("gpu", "big-gpu");
            assertThat(compatible("main", null, "gpu", "big")).containsExactly("big-gpu");
            assertThat(compatible("main", null, "tpu")).isEmpty();
        }

        @Test
        void thePlatformMustMatchWhenGiven() {
            assertThat(compatible("main", "linux")).containsExactly("general");
            assertThat(compatible("main", "windows")).containsExactly("windows");
            assertThat(compatible("main", "darwin")).isEmpty();
        }

        @Test
        void teamWorkersTakeOnlyTheirTeamAndArePreferredByIt() {
            assertThat(compatible("a", null)).containsExactly("team-a");
            assertThat(compatible("a", null, "gpu")).containsExactly("team-a-gpu");
            assertThat(compatible("b", null, "gpu")).containsExactly("gpu", "big-gpu");
        }

        @Test
        void aTeamFallsBackToGeneralWorkersWhenNoneOfItsOwnFit() {
            assertThat(compatible("a", "windows")).containsExactly("windows");
        }
    }

    @Nested
    class Orderings {
        private final Worker one = worker("one");
        private final Worker two = worker("two");
        private final Worker three = worker("three");

        @Test
        void volumeLocalityPrefersWorkersWithMoreInputsAndKeepsTies() {
            Volume onTwoA = two.createVolume(VolumeSpec.empty());
            Volume onTwoB = two.createVolume(VolumeSpec.empty());
            Volume onThree = three.createVolume(VolumeSpec.empty());
            PlacementStrategy locality = PlacementStrategies.volumeLocality();
            assertThat(locality.name()).isEqualTo("volume-locality");
            assertThat(names(locality.order(request(StepKind.TASK, List.of(onThree, onTwoA, onTwoB)),
                    List.of(one, three, two)))).containsExactly("two", "three", "one");
            assertThat(names(locality.order(request(StepKind.TASK, List.of()), List.of(three, one, two))))
                    .containsExactly("three", "one", "two");
        }

        @Test
        void fewestBuildContainersPrefersEmptierWorkers() {
            containers(one, 2);
            containers(three, 1);
            PlacementStrategy fewest = PlacementStrategies.fewestBuildContainers();
            assertThat(fewest.name()).isEqualTo("fewest-build-containers");
            assertThat(names(fewest.order(request(StepKind.TASK, List.of()), List.of(one, two, three))))
                    .containsExactly("two", "three", "one");
        }

        @Test
        void randomShufflesReproduciblyWithAGivenGenerator() {
            List<Worker> candidates = List.of(one, two, three);
            PlacementRequest request = request(StepKind.GET, List.of());
            List<Worker> first = PlacementStrategies.random(new SplittableRandom(3)).order(request, candidates);
            List<Worker> again = PlacementStrategies.random(new SplittableRandom(3)).order(request, candidates);
            assertThat(first).isEqualTo(again).containsExactlyInAnyOrderElementsOf(candidates);

            PlacementStrategy random = PlacementStrategies.random(new SplittableRandom(11));
            Set<String> firsts = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                firsts.add(random.order(request, candidates).getFirst().info().name());
            }
            assertThat(firsts).containsExactlyInAnyOrder("one", "two", "three");
            assertThat(candidates).containsExactly(one, two, three);
        }

        @Test
        void aChainDecidesByItsFirstStrategyAndBreaksTiesWithTheNext() {
            Volume onOne = one.createVolume(VolumeSpec.empty());
            Volume onThree = three.createVolume(VolumeSpec.empty());
            containers(one, 3);
            containers(two, 1);
            PlacementStrategy chain = PlacementStrategies.chain(PlacementStrategies.volumeLocality(),
                    PlacementStrategies.fewestBuildContainers());
            assertThat(chain.name()).isEqualTo("volume-locality,fewest-build-containers");
            // one and three hold an input each; three has fewer containers. two holds none.
            assertThat(names(chain.order(request(StepKind.TASK, List.of(onOne, onThree)), List.of(one, two, three))))
                    .containsExactly("three", "one", "two");
            assertThat(names(PlacementStrategies.chain().order(request(StepKind.TASK, List.of()),
                    List.of(two, one)))).containsExactly("two", "one");
        }
    }

    @Nested
    class Limits {
        private final Worker one = worker("one");
        private final Worker two = worker("two");

        @Test
        void limitActiveTasksCountsApprovedTasksAndDropsWorkersAtTheLimit() {
            PlacementStrategy limit = PlacementStrategies.limitActiveTasks(1);
            PlacementRequest task = request(StepKind.TASK, List.of());
            assertThat(limit.name()).isEqualTo("limit-active-tasks");

            assertThat(limit.approve(one, task)).isTrue();
            assertThat(limit.approve(one, task)).as("one is at its limit").isFalse();
            assertThat(names(limit.order(task, List.of(one, two)))).containsExactly("two");

            limit.release(one, task);
            assertThat(names(limit.order(task, List.of(one, two)))).containsExactly("one", "two");
            assertThat(limit.approve(one, task)).isTrue();
        }

        @Test
        void limitActiveTasksLetsOtherStepsThroughUncounted() {
            PlacementStrategy limit = PlacementStrategies.limitActiveTasks(1);
            PlacementRequest task = request(StepKind.TASK, List.of());
            PlacementRequest get = request(StepKind.GET, List.of());
            assertThat(limit.approve(one, task)).isTrue();
            assertThat(names(limit.order(get, List.of(one, two)))).containsExactly("one", "two");
            assertThat(limit.approve(one, get)).isTrue();
            assertThat(limit.approve(one, get)).isTrue();
            limit.release(one, get);
            assertThat(limit.approve(one, task)).as("releasing a get freed no task slot").isFalse();
        }

        @Test
        void limitActiveTasksWithoutLimitOrdersByActiveTasks() {
            PlacementStrategy unlimited = PlacementStrategies.limitActiveTasks(0);
            PlacementRequest task = request(StepKind.TASK, List.of());
            for (int i = 0; i < 5; i++) {
                assertThat(unlimited.approve(one, task)).isTrue();
            }
            assertThat(names(unlimited.order(task, List.of(one, two)))).containsExactly("two", "one");
            assertThatThrownBy(() -> PlacementStrategies.limitActiveTasks(-1))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void limitActiveContainersDropsAndRefusesFullWorkers() {
            containers(one, 2);
            containers(two, 1);
            PlacementStrategy limit = PlacementStrategies.limitActiveContainers(2);
            PlacementRequest get = request(StepKind.GET, List.of());
            assertThat(names(limit.order(get, List.of(one, two)))).containsExactly("two");
            assertThat(limit.approve(one, get)).isFalse();
            assertThat(limit.approve(two, get)).isTrue();
            containers(two, 1);
            assertThat(limit.approve(two, get)).as("two filled up meanwhile").isFalse();
            assertThat(names(PlacementStrategies.limitActiveContainers(0).order(get, List.of(one, two))))
                    .containsExactly("one", "two");
            assertThatThrownBy(() -> PlacementStrategies.limitActiveContainers(-1))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void limitActiveVolumesDropsAndRefusesFullWorkers() {
            one.createVolume(VolumeSpec.empty());
            PlacementStrategy limit = PlacementStrategies.limitActiveVolumes(1);
            PlacementRequest task = request(StepKind.TASK, List.of());
            assertThat(limit.name()).isEqualTo("limit-active-volumes");
            assertThat(names(limit.order(task, List.of(one, two)))).containsExactly("two");
            assertThat(limit.approve(one, task)).isFalse();
            assertThat(limit.approve(two, task)).isTrue();
        }

        @Test
        void aChainReleasesWhatItApprovedWhenALaterStrategyRefuses() {
            containers(one, 1);
            PlacementStrategy tasks = PlacementStrategies.limitActiveTasks(1);
            PlacementStrategy chain = PlacementStrategies.chain(tasks, PlacementStrategies.limitActiveContainers(1));
            PlacementRequest task = request(StepKind.TASK, List.of());

            assertThat(chain.approve(one, task)).isFalse();
            assertThat(names(tasks.order(task, List.of(one)))).as("the task slot on one was given back")
                    .containsExactly("one");

            assertThat(chain.approve(two, task)).isTrue();
            assertThat(names(tasks.order(task, List.of(one, two)))).containsExactly("one");
            chain.release(two, task);
            assertThat(names(tasks.order(task, List.of(one, two)))).containsExactly("one", "two");
        }
    }
}
