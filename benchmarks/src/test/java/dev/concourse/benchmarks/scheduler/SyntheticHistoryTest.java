package dev.concourse.benchmarks.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import dev.concourse.config.PipelineLoader;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SyntheticHistoryTest {

    @Test
    void chainsOfTenJobsWithAStageThatStoppedAtTheMiddleVersion() {
        SyntheticHistory history = SyntheticHistory.create(20, 200);

        assertThat(history.jobIds()).hasSize(20).doesNotHaveDuplicates();
        // Per chain: stages 0 and 1 built 20 versions each, stages 2..9 the first 10.
        assertThat(history.builds()).isEqualTo(2 * (20 + 20 + 8 * 10));
        assertThat(history.storage().builds().listByStatus(EnumSet.of(BuildStatus.FAILED)))
                .hasSize(2 * 10)
                .allSatisfy(b -> assertThat(b.jobRef().orElseThrow().name()).endsWith("-stage-1"));
    }

    @Test
    void thePipelineIsValid() {
        assertThat(PipelineLoader.create().load("synthetic.yml", SyntheticHistory.yaml(30)).findings()).isEmpty();
    }

    @Test
    void shapesMustFitTheChains() {
        assertThatThrownBy(() -> SyntheticHistory.create(15, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 jobs");
        assertThatThrownBy(() -> SyntheticShape.create("10by100")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyShapeOfTheBenchmarksIsAcceptedWithoutBuildingIt() {
        for (String shape : SyntheticShape.ALL) {
            String[] parts = shape.split("x");
            assertThat(Integer.parseInt(parts[0]) % SyntheticHistory.CHAIN).isZero();
            assertThat(Integer.parseInt(parts[1]) % (2 * SyntheticHistory.STEP)).isZero();
        }
    }
}
