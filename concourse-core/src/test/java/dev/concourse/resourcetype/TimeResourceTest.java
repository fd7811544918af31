package dev.concourse.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeResourceTest {
    private final ManualTime clock = new ManualTime();
    private final TimeResource time = new TimeResource(clock);

    @TempDir
    Path dir;

    @Test
    void versionsAreTheCurrentTimeInRfc3339AsGoWritesThem() {
        clock.set("2024-05-06T07:08:09.120Z");
        assertThat(time.check(ResourceRequest.of(Map.of(), null)))
                .containsExactly(Version.of("time", "2024-05-06T07:08:09.12Z"));
        clock.set("2024-05-06T07:08:09Z");
        assertThat(time.put(ResourceRequest.of(Map.of(), null), dir))
                .isEqualTo(ResourceResult.of(Version.of("time", "2024-05-06T07:08:09Z")));
    }

    @Test
    void aNewVersionComesOnceTheIntervalHasPassedSinceTheLastOne() {
        Map<String, Object> source = Map.of("interval", "1m");
        clock.set("2024-05-06T10:00:00Z");
        Version first = single(time.check(ResourceRequest.of(source, null)));

        clock.advance(Duration.ofSeconds(59));
        assertThat(time.check(ResourceRequest.of(source, first))).containsExactly(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(time.check(ResourceRequest.of(source, first)))
                .containsExactly(first, Version.of("time", "2024-05-06T10:01:00Z"));
    }

    @Test
    void withoutAnIntervalThereIsOneVersionPerDay() {
        Version lateYesterday = Version.of("time", "2024-05-05T23:59:00Z");
        Version earlyToday = Version.of("time", "2024-05-06T00:01:00Z");

        clock.set("2024-05-06T00:01:00Z");
        assertThat(time.check(ResourceRequest.of(Map.of(), lateYesterday))).containsExactly(lateYesterday, earlyToday);
        clock.set("2024-05-06T23:59:59Z");
        assertThat(time.check(ResourceRequest.of(Map.of(), earlyToday))).containsExactly(earlyToday);
    }

    @Test
    void startAndStopMakeAWindowWithOneVersionPerWindowWithoutAnInterval() {
        Map<String, Object> source = Map.of("start", "9:00 AM", "stop", "17:00");

        clock.set("2024-05-06T08:59:59Z");
        assertThat(time.check(ResourceRequest.of(source, null))).isEmpty();
        clock.set("2024-05-06T09:00:00Z");
        Version opening = single(time.check(ResourceRequest.of(source, null)));
        assertThat(opening).isEqualTo(Version.of("time", "2024-05-06T09:00:00Z"));
        clock.set("2024-05-06T16:59:00Z");
        assertThat(time.check(ResourceRequest.of(source, opening))).containsExactly(opening);
        clock.set("2024-05-06T17:00:00Z");
        assertThat(time.check(ResourceRequest.of(Map.of("start", "9AM", "stop", "5PM"), null))).isEmpty();
        clock.set("2024-05-07T09:30:00Z");
        assertThat(time.check(ResourceRequest.of(source, opening)))
                .containsExactly(opening, Version.of("time", "2024-05-07T09:30:00Z"));
    }

    @Test
    void intervalsApplyWithinTheWindowOnly() {
        Map<String, Object> source = Map.of("start", "1500", "stop", "1600", "interval", "10m");
        Version last = Version.of("time", "2024-05-06T15:45:00Z");

        clock.set("2024-05-06T15:54:59Z");
        assertThat(time.check(ResourceRequest.of(source, last))).containsExactly(last);
        clock.set("2024-05-06T15:55:00Z");
        assertThat(time.check(ResourceRequest.of(source, last))).hasSize(2);
        clock.set("2024-05-06T16:10:00Z");
        assertThat(time.check(ResourceRequest.of(source, last))).containsExactly(last);
    }

    @Test
    void aWindowWithStartAfterStopRunsThroughMidnight() {
        Map<String, Object> source = Map.of("start", "10 PM", "stop", "2 AM");
        clock.set("2024-05-06T23:00:00Z");
        Version night = single(time.check(ResourceRequest.of(source, null)));

        clock.set("2024-05-07T01:59:00Z");
        assertThat(time.check(ResourceRequest.of(source, night))).as("same window").containsExactly(night);
        clock.set("2024-05-07T02:00:00Z");
        assertThat(time.check(ResourceRequest.of(source, null))).as("after the window").isEmpty();
        clock.set("2024-05-07T21:59:00Z");
        assertThat(time.check(ResourceRequest.of(source, null))).as("before the window").isEmpty();
        clock.set("2024-05-07T22:30:00Z");
        assertThat(time.check(ResourceRequest.of(source, night))).as("next window").hasSize(2);
    }

    @Test
    void daysLimitVersionsToThoseWeekdaysAndAWindowBelongsToTheDayItStarts() {
        // 2024-05-10 is a Friday.
        Map<String, Object> friday = Map.of("start", "22:00", "stop", "02:00", "days", List.of("friday"));
        clock.set("2024-05-11T01:00:00Z");
        assertThat(time.check(ResourceRequest.of(friday, null))).as("Saturday 1 AM, Friday's window").hasSize(1);
        clock.set("2024-05-11T23:00:00Z");
        assertThat(time.check(ResourceRequest.of(friday, null))).as("Saturday's window").isEmpty();

        Map<String, Object> mondays = Map.of("interval", "1h", "days", List.of("Monday", "Wednesday"));
        clock.set("2024-05-07T12:00:00Z");
        assertThat(time.check(ResourceRequest.of(mondays, null))).as("a Tuesday").isEmpty();
        clock.set("2024-05-08T12:00:00Z");
        assertThat(time.check(ResourceRequest.of(mondays, null))).as("a Wednesday").hasSize(1);
    }

    @Test
    void locationSetsTheZoneOfTheWindowDaysAndVersions() {
        Map<String, Object> source = Map.of("start", "9:00 AM", "stop", "10:00 AM", "location", "America/New_York",
                "days", List.of("Monday"));

        clock.set("2024-07-01T13:30:00Z"); // 9:30 on Monday in New York (EDT)
        assertThat(time.check(ResourceRequest.of(source, null)))
                .containsExactly(Version.of("time", "2024-07-01T09:30:00-04:00"));
        clock.set("2024-07-01T09:30:00Z"); // 5:30 in New York
        assertThat(time.check(ResourceRequest.of(source, null))).isEmpty();
        clock.set("2024-07-02T03:30:00Z"); // Monday 23:30 in New York while Tuesday in UTC: the days are New York's
        assertThat(time.check(ResourceRequest.of(Map.of("location", "America/New_York", "days", List.of("Monday"),
                "interval", "1h"), null))).containsExactly(Version.of("time", "2024-07-01T23:30:00-04:00"));
    }

    @Test
    void aDeprecatedOffsetOnStartSetsTheZoneWhenThereIsNoLocation() {
        Map<String, Object> source = Map.of("start", "9:00 AM -0700", "stop", "10:00 AM -0700");

        clock.set("2024-05-06T16:15:00Z"); // 9:15 at -07:00
        assertThat(time.check(ResourceRequest.of(source, null)))
                .containsExactly(Version.of("time", "2024-05-06T09:15:00-07:00"));
    }

    @Test
    void initialVersionGivesAVersionOnTheFirstCheckEvenOutsideTheWindow() {
        Map<String, Object> source = Map.of("start", "9AM", "stop", "10AM", "initial_version", true);
        clock.set("2024-05-06T03:00:00Z");

        assertThat(time.check(ResourceRequest.of(source, null))).containsExactly(Version.of("time", "2024-05-06T03:00:00Z"));
        assertThat(time.check(ResourceRequest.of(source, Version.of("time", "2024-05-06T03:00:00Z")))).hasSize(1);
    }

    @Test
    void getWritesTheRequestAndTheTimestampInGosFormat() {
        Version version = Version.of("time", "2024-05-06T07:08:09.5Z");

        ResourceResult result = time.get(new ResourceRequest(Map.of("interval", "1h"), Map.of(), version, Map.of(),
                java.io.OutputStream.nullOutputStream(), () -> false), dir);

        assertThat(result).isEqualTo(ResourceResult.of(version));
        assertThat(dir.resolve("input"))
                .hasContent("{\"source\":{\"interval\":\"1h\"},\"version\":{\"time\":\"2024-05-06T07:08:09.5Z\"},\"params\":{}}");
        assertThat(dir.resolve("timestamp")).hasContent("2024-05-06 07:08:09.5 +0000 UTC");
        assertThat(TimeResource.goDefaultFormat(java.time.ZonedDateTime.parse("2024-01-02T03:04:05-07:00")))
                .isEqualTo("2024-01-02 03:04:05 -0700 -0700");
    }

    @Test
    void invalidSourcesAreErrorsNamingTheField() {
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("interval", "often"), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessage("time resource: source.interval is not a duration: time: invalid duration \"often\"");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("start", "9AM"), null)))
                .hasMessage("time resource: source.stop must be set when start is (the window needs both ends)");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("stop", "9AM"), null)))
                .hasMessage("time resource: source.start must be set when stop is (the window needs both ends)");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("start", "25:00", "stop", "1AM"), null)))
                .hasMessage("time resource: source.start is not a time of day: '25:00' (hour or minute out of range)");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("start", "noon", "stop", "1AM"), null)))
                .hasMessage("time resource: source.start is not a time of day: 'noon'; use 3:04 PM, 3PM, 3 PM, 15:04 "
                        + "or 1504");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("days", List.of("Funday")), null)))
                .hasMessage("time resource: source.days has an invalid day 'Funday'; use Sunday, Monday, Tuesday, "
                        + "Wednesday, Thursday, Friday or Saturday");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of("location", "Mars/Olympus_Mons"), null)))
                .hasMessage("time resource: source.location is not a time zone: unknown time zone Mars/Olympus_Mons");
        assertThatThrownBy(() -> time.check(ResourceRequest.of(Map.of(), Version.of("ref", "x"))))
                .hasMessageStartingWith("time resource: version ref:x has no 'time' field");
    }

    private static Version single(List<Version> versions) {
        assertThat(versions).hasSize(1);
        return versions.get(0);
    }

    /** Time that moves only when the test says so. */
    private static final class ManualTime implements InstantSource {
        private Instant now = Instant.EPOCH;

        void set(String instant) {
            now = Instant.parse(instant);
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
