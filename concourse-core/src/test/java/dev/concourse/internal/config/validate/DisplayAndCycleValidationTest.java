package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.get;
import static dev.concourse.internal.config.validate.Fixtures.job;
import static dev.concourse.internal.config.validate.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.concourse.config.DisplayConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayAndCycleValidationTest {

    private static Fixtures withDisplay(String backgroundImage) {
        Fixtures f = Fixtures.base();
        f.display = new DisplayConfig(backgroundImage, null);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/bg.png", "https://example.com/bg.png", "/public/bg.png", "bg.png", ""})
    void httpHttpsAndRelativeBackgroundImages(String url) {
        assertThat(withDisplay(url).findings()).isEmpty();
    }

    @Test
    void unsupportedScheme() {
        assertThat(withDisplay("ftp://example.com/bg.png").findings()).containsExactly(
                "error invalid_display display: background_image scheme must be either http, https or relative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"://example.com", "img_1:2.png", "http://example.com:port/", "bg%zz.png"})
    void notAUrl(String url) {
        assertThat(withDisplay(url).findings()).containsExactly(
                "error invalid_display display: background_image is not a valid URL: " + url);
    }

    private static Fixtures chain() {
        Fixtures f = new Fixtures();
        f.resources.add(resource("some-resource", "some-type"));
        return f;
    }

    @Test
    void selfReferencingJob() {
        Fixtures f = chain();
        f.jobs.add(job("some-job-1", get("some-input", "some-resource", "some-job-1")));

        assertThat(f.findings()).containsExactly("error cycle jobs: pipeline contains a cycle that starts at Job 'some-job-1'");
    }

    @Test
    void cycleOverSeveralJobs() {
        Fixtures f = chain();
        f.jobs.add(job("some-job-1", get("some-input", "some-resource", "some-job-2")));
        f.jobs.add(job("some-job-2", get("some-input", "some-resource", "some-job-3")));
        f.jobs.add(job("some-job-3", get("some-input", "some-resource", "some-job-4")));
        f.jobs.add(job("some-job-4", get("some-input", "some-resource", "some-job-2")));

        assertThat(f.findings()).containsExactly("error cycle jobs: pipeline contains a cycle that starts at Job 'some-job-2'");
    }

    @Test
    void cycleThroughAGlob() {
        Fixtures f = chain();
        f.jobs.add(job("some-job-1", get("some-input", "some-resource", "some-job-2")));
        f.jobs.add(job("some-job-2", get("some-input", "some-resource", "some-job-3")));
        f.jobs.add(job("some-job-3", get("some-input", "some-resource", "some-job-4")));
        f.jobs.add(job("some-job-4", get("some-input", "some-resource", "some-job-*")));

        assertThat(f.findings()).containsExactly("error cycle jobs: pipeline contains a cycle that starts at Job 'some-job-1'");
    }

    @Test
    void longChainsOfPassedAreValidatedInLinearTime() {
        Fixtures f = chain();
        int jobs = 3_000;
        for (int i = 0; i < jobs; i++) {
            String[] passed = i == 0 ? new String[0] : new String[] {"job-" + (i - 1), "job-" + (i / 2) + "*"};
            f.jobs.add(job("job-" + i, get("some-resource", null, passed)));
        }
        f.jobs.add(job("closing", get("some-resource", null, "job-" + (jobs - 1))));
        f.jobs.set(0, job("job-0", get("some-resource", null, "closing")));

        // Concourse's search starts afresh from every job; on this chain that is cubic.
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(20), f::findings))
                .containsExactly("error cycle jobs: pipeline contains a cycle that starts at Job 'job-0'");
    }

    @Test
    void diamondIsNotACycle() {
        Fixtures f = chain();
        f.jobs.add(job("some-job-1", get("some-input", "some-resource", "some-job-2")));
        f.jobs.add(job("some-job-2", get("some-input", "some-resource", "some-job-3", "some-job-4")));
        f.jobs.add(job("some-job-3", get("some-input", "some-resource")));
        f.jobs.add(job("some-job-4", get("some-input", "some-resource", "some-job-3")));

        assertThat(f.findings()).isEmpty();
    }
}
