package dev.concourse.internal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.storage.InMemoryStorage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JobInputsTest {

    @Test
    void passedNamesAndGlobsBothSelectTheirUpstreamJobs() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.teams().createIfAbsent(Team.MAIN);
        PipelineConfig config = PipelineLoader.create().load("p.yml", """
                resources:
                - {name: src, type: mock, source: {}}
                - {name: other, type: mock, source: {}}
                jobs:
                - {name: a-unit, plan: [{get: src}, {get: other}]}
                - {name: b-unit, plan: [{get: src}]}
                - {name: a-int, plan: [{get: src}]}
                - name: deploy
                  plan:
                  - get: src
                    passed: [a-int, "*-unit"]
                  - get: other
                    passed: [a-unit]
                  - get: plain
                    resource: src
                """).orThrow();
        Pipeline pipeline = storage.pipelines().save(PipelineRef.main("p"), config, -1, false, Instant.EPOCH);
        List<Job> jobs = storage.pipelines().jobs(pipeline.id());
        Map<String, Long> ids = jobs.stream().collect(Collectors.toMap(j -> j.ref().name(), Job::id));
        Job deploy = jobs.stream().filter(j -> j.ref().name().equals("deploy")).findFirst().orElseThrow();

        Map<String, Set<Long>> passed = JobInputs.of(deploy, jobs, storage.pipelines().resources(pipeline.id()))
                .stream().collect(Collectors.toMap(InputConfig::name, InputConfig::passedJobIds));

        assertThat(passed).containsOnlyKeys("src", "other", "plain");
        assertThat(passed.get("src")).containsExactlyInAnyOrder(ids.get("a-int"), ids.get("a-unit"), ids.get("b-unit"));
        assertThat(passed.get("other")).containsExactly(ids.get("a-unit"));
        assertThat(passed.get("plain")).isEmpty();
    }
}
