package dev.concourse;

import dev.concourse.credentials.CredentialSettings;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine on in-memory storage and local processes for tests through the public API, with
 * helpers to set a pipeline, run a job to its end and read what its build emitted.
 */
final class EngineFixture implements AutoCloseable {
    final PipelineEngine engine;

    private EngineFixture(PipelineEngine engine) {
        this.engine = engine;
        engine.start();
    }

    static EngineFixture start(Path work, CredentialManager... managers) {
        return start(work, CredentialSettings.defaults(), managers);
    }

    static EngineFixture start(Path work, CredentialSettings settings, CredentialManager... managers) {
        PipelineEngine.Builder builder = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .credentialSettings(settings);
        for (CredentialManager manager : managers) {
            builder.credentialManager(manager);
        }
        return new EngineFixture(builder.build());
    }

    /** Sets the pipeline (no static vars), triggers the job and waits for the build's end. */
    Run run(PipelineRef pipeline, String yaml, String job) throws Exception {
        engine.pipelines().set(pipeline, yaml, StaticVariables.empty());
        return trigger(pipeline.job(job));
    }

    /** Triggers the job of a pipeline already set and waits for the build's end. */
    Run trigger(JobRef job) throws Exception {
        return finished(engine.jobs().trigger(job));
    }

    Run finished(Build build) throws Exception {
        Build done = EventCollector.awaitFinished(engine, build);
        return new Run(done, EventCollector.all(engine, build.id()));
    }

    @Override
    public void close() {
        engine.close();
    }

    /** A finished build and everything it emitted. */
    record Run(Build build, List<SequencedEvent> sequenced) {
        BuildStatus status() {
            return build.status();
        }

        List<BuildEvent> events() {
            return sequenced.stream().map(SequencedEvent::event).toList();
        }

        String log() {
            return EventCollector.log(sequenced);
        }

        List<String> errors() {
            return ofType(BuildEvent.Error.class).stream().map(BuildEvent.Error::message).toList();
        }

        <T extends BuildEvent> List<T> ofType(Class<T> type) {
            return events().stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** The event types of one step (by plan id), logs left out. */
        List<String> typesOf(String planId) {
            List<String> types = new ArrayList<>();
            for (BuildEvent event : events()) {
                if (!(event instanceof BuildEvent.Log) && planId.equals(originId(event))) {
                    types.add(event.type());
                }
            }
            return types;
        }

        /** The plan id of the first step of this kind and name in the build's plan. */
        String planId(PipelineEngine engine, String kind, String name) {
            BuildPlan plan = engine.builds().plan(build.id()).orElseThrow();
            return find(plan, kind, name);
        }

        private static String find(BuildPlan plan, String kind, String name) {
            if (plan.kind().equals(kind) && java.util.Objects.equals(plan.name(), name)) {
                return plan.id();
            }
            for (BuildPlan child : plan.children()) {
                String id = find(child, kind, name);
                if (id != null) {
                    return id;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return build.describe() + " " + build.status() + " " + events();
        }
    }

    static String originId(BuildEvent event) {
        return switch (event) {
            case BuildEvent.Log e -> e.origin().id();
            case BuildEvent.Error e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.Initialize e -> e.origin().id();
            case BuildEvent.Start e -> e.origin().id();
            case BuildEvent.Finish e -> e.origin().id();
            case BuildEvent.InitializeTask e -> e.origin().id();
            case BuildEvent.StartTask e -> e.origin().id();
            case BuildEvent.FinishTask e -> e.origin().id();
            case BuildEvent.SetPipelineChanged e -> e.origin().id();
            case BuildEvent.AcrossSubsteps e -> e.origin().id();
            default -> null;
        };
    }
}
