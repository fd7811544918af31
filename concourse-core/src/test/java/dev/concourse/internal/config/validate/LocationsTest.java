package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.get;
import static dev.concourse.internal.config.validate.Fixtures.job;
import static dev.concourse.internal.config.validate.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.SourceLocation;
import dev.concourse.internal.config.SourceIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocationsTest {

    @Test
    void findingsPointAtTheOffendingValueAndComeInDocumentOrder() {
        ResourceConfig unused = resource("unused", "git");
        ResourceConfig repo = resource("repo", "git");
        GetStep get = get("repo", null, "build", "nope");
        JobConfig build = job("build", get("repo"));
        JobConfig test = job("test", get);
        PipelineConfig config = new PipelineConfig(null, null, List.of(unused, repo), null, null,
                List.of(build, test), null, null);

        SourceIndex index = new SourceIndex("p.yml");
        index.put(unused, new SourceLocation("p.yml", 2, 3));
        index.put(unused, "name", new SourceLocation("p.yml", 2, 9));
        index.put(test, "name", new SourceLocation("p.yml", 12, 9));
        index.put(get, new SourceLocation("p.yml", 14, 5));
        index.put(get, "passed", new SourceLocation("p.yml", 15, 13));
        index.put(get, "passed[1]", new SourceLocation("p.yml", 15, 21));

        List<ConfigFinding> findings = PipelineValidator.validate(config, index);

        // The passed entry is found before the unused resource, but reported after it.
        assertThat(findings).extracting(f -> f.location().toString() + " " + f.describe()).containsExactly(
                "p.yml:2:9 resources: resource 'unused' is not used",
                "p.yml:15:21 jobs.test.plan.do[0].get(repo).passed: no matching job(s) for 'nope'");
    }

    @Test
    void unknownPositionsFallBackToTheFile() {
        Fixtures f = new Fixtures();

        assertThat(f.validate()).singleElement()
                .extracting(ConfigFinding::location)
                .isEqualTo(SourceLocation.ofFile("pipeline.yml"));
    }
}
