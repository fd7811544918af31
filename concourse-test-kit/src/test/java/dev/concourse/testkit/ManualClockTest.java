package dev.concourse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void timersRunInDueOrderWhenTimeReachesThemAndCancelledOnesNever() {
        ManualClock clock = new ManualClock();
        EngineDriver driver = new EngineDriver(clock, Duration.ofHours(1));
        List<String> ran = new ArrayList<>();
        clock.schedule(Duration.ofSeconds(30), () -> ran.add("30s"));
        clock.schedule(Duration.ofSeconds(10), () -> ran.add("10s"));
        clock.schedule(Duration.ofSeconds(10), () -> ran.add("10s second"));
        clock.schedule(Duration.ofSeconds(20), () -> ran.add("20s")).cancel();

        driver.runUntilIdle();
        assertThat(ran).isEmpty();
        driver.advance(Duration.ofSeconds(15));
        assertThat(ran).containsExactly("10s", "10s second");
        assertThat(clock.now()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(15));
        driver.advance(Duration.ofMinutes(1));
        assertThat(ran).containsExactly("10s", "10s second", "30s");
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aTimerSeesTheTimeItWasDueAt() {
        ManualClock clock = new ManualClock();
        EngineDriver driver = new EngineDriver(clock, Duration.ofHours(1));
        List<Object> seen = new ArrayList<>();
        clock.schedule(Duration.ofMinutes(5), () -> seen.add(clock.now()));
        driver.advance(Duration.ofHours(1));
        assertThat(seen).containsExactly(ManualClock.DEFAULT_START.plus(Duration.ofMinutes(5)));
    }

    @Test
    void workSubmittedByATaskRunsInsideItAndWorkFromOutsideWaitsForTheDriver() {
        ManualClock clock = new ManualClock();
        EngineDriver driver = new EngineDriver(clock, Duration.ofHours(1));
        List<String> ran = new ArrayList<>();
        driver.execute(() -> {
            ran.add("outer start");
            driver.execute(() -> ran.add("nested"));
            ran.add("outer end");
        });
        assertThat(ran).isEmpty();
        driver.runUntilIdle();
        assertThat(ran).containsExactly("outer start", "nested", "outer end");
    }

    @Test
    void aWaitThatNothingEndsIsReportedInsteadOfSpinning() {
        ManualClock clock = new ManualClock();
        EngineDriver driver = new EngineDriver(clock, Duration.ofHours(1));
        boolean[] result = new boolean[1];
        driver.execute(() -> result[0] = driver.driveUntil(() -> false, "mocked task 'x'"));
        driver.runUntilIdle();
        assertThat(result[0]).isFalse();
        assertThat(driver.drainProblems()).singleElement().asString().contains("mocked task 'x' waits forever");
    }

    @Test
    void timeNeverGoesBack() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> clock.moveTo(ManualClock.DEFAULT_START.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot go back");
    }
}
