package dev.concourse.testkit;

import dev.concourse.WorkerInfo;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test kit's runtime: volumes and containers of {@link LocalProcessRuntime} workers (real
 * directories in a temporary folder), but the processes of task containers are
 * {@link TaskMock}s, looked up by the task's step name. A task without a mock fails its step with a
 * message saying how to mock it, and the harness fails the test; unless the test asked for unmocked
 * tasks to run for real, on this machine. Processes of other containers (container resource types,
 * which the harness replaces) run for real.
 *
 * <p>Scope: this runtime is for pipeline tests, not a general runtime, and does not claim to
 * pass {@code ContainerRuntimeConformanceTests}: its task processes are scripts, and a mock's
 * {@link ContainerProcess#waitFor} only ends on the test's driving thread.
 */
final class ScriptedRuntime implements ContainerRuntime {
    private final List<LocalProcessRuntime> delegates = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final TaskMocks mocks;
    private final EngineDriver driver;

    ScriptedRuntime(List<LocalProcessRuntime> delegates, TaskMocks mocks, EngineDriver driver) {
        this.delegates.addAll(delegates);
        this.mocks = mocks;
        this.driver = driver;
    }

    /** Adds a worker (one with the pipeline's tags, once they are known). */
    void addWorker(LocalProcessRuntime worker) {
        delegates.add(worker);
    }

    @Override
    public String id() {
        return "test-kit";
    }

    @Override
    public List<Worker> workers() {
        return delegates.stream().flatMap(r -> r.workers().stream()).map(w -> (Worker) new ScriptedWorker(w))
                .toList();
    }

    @Override
    public void close() {
        delegates.forEach(LocalProcessRuntime::close);
    }

    private final class ScriptedWorker implements Worker {
        private final Worker worker;

        ScriptedWorker(Worker worker) {
            this.worker = worker;
        }

        @Override
        public WorkerInfo info() {
            return worker.info();
        }

        /**
         * Task containers whose process will be a mock (or refused) live in memory only: no
         * directories, no state file. Others are the local worker's.
         */
        @Override
        public Container createContainer(ContainerSpec spec) {
            boolean task = "task".equals(spec.properties().get("concourse:type"));
            String step = spec.properties().getOrDefault("concourse:step-name", "?");
            if (task && (mocks.find(step).isPresent() || !mocks.runUnmockedLocally())) {
                return new ScriptedContainer(null, spec, worker.info().name(),
                        "test-kit-" + java.util.UUID.randomUUID());
            }
            Container container = worker.createContainer(spec);
            return new ScriptedContainer(container, spec, container.workerName(), container.handle());
        }

        @Override
        public Optional<Container> findContainer(String handle) {
            return worker.findContainer(handle);
        }

        @Override
        public List<Container> containers() {
            return worker.containers();
        }

        @Override
        public Volume createVolume(VolumeSpec spec) {
            return worker.createVolume(spec);
        }

        @Override
        public Optional<Volume> findVolume(String handle) {
            return worker.findVolume(handle);
        }

        @Override
        public List<Volume> volumes() {
            return worker.volumes();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ScriptedWorker w && w.worker.equals(worker);
        }

        @Override
        public int hashCode() {
            return worker.hashCode();
        }
    }

    /** A container of the local worker ({@code container} set), or of a mocked task (in memory). */
    private final class ScriptedContainer implements Container {
        private final Container container;
        private final ContainerSpec spec;
        private final String workerName;
        private final String handle;
        private final Map<String, String> properties;

        ScriptedContainer(Container container, ContainerSpec spec, String workerName, String handle) {
            this.container = container;
            this.spec = spec;
            this.workerName = workerName;
            this.handle = handle;
            this.properties = new java.util.concurrent.ConcurrentHashMap<>(spec.properties());
        }

        @Override
        public String handle() {
            return handle;
        }

        @Override
        public String workerName() {
            return workerName;
        }

        @Override
        public ContainerProcess run(ProcessSpec process, ProcessIO io) {
            if (!"task".equals(spec.properties().get("concourse:type"))) {
                return local().run(process, io);
            }
            String step = spec.properties().getOrDefault("concourse:step-name", "?");
            Optional<TaskMock> mock = mocks.find(step);
            if (mock.isPresent()) {
                long buildId = Long.parseLong(spec.properties().getOrDefault("concourse:build-id", "0"));
                TaskMock.TaskRun run = new TaskMock.TaskRun(buildId, env(process), process.path(), process.args());
                return ScriptedProcess.start(process.id(), step, mock.get().nextRun(run), spec, io, driver);
            }
            if (mocks.runUnmockedLocally() && container != null) {
                return container.run(process, io);
            }
            mocks.unmocked(step);
            throw new RuntimeOperationException("task '" + step + "' has no mock in this pipeline test; mock it with"
                    + " ci.task(\"" + step + "\").returns(0), or let unmocked tasks run on this machine with"
                    + " @PipelineTest(runUnmockedTasks = true)");
        }

        private Map<String, String> env(ProcessSpec process) {
            Map<String, String> env = new java.util.LinkedHashMap<>(spec.env());
            env.putAll(process.env());
            return env;
        }

        private Container local() {
            if (container == null) {
                throw new RuntimeOperationException("container " + handle + " of a mocked task runs only the mock");
            }
            return container;
        }

        @Override
        public Optional<ContainerProcess> attach(String processId, ProcessIO io) {
            return container == null ? Optional.empty() : container.attach(processId, io);
        }

        @Override
        public Map<String, String> properties() {
            return container == null ? Map.copyOf(properties) : container.properties();
        }

        @Override
        public void setProperty(String name, String value) {
            if (container == null) {
                properties.put(name, value);
            } else {
                container.setProperty(name, value);
            }
        }

        @Override
        public void destroy() {
            if (container != null) {
                container.destroy();
            }
        }
    }
}
