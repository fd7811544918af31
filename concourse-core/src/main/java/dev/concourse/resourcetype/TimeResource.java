package dev.concourse.resourcetype;

import dev.concourse.internal.config.GoDuration;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code time} resource type ({@code concourse/time-resource}) in Java: versions are points in
 * time, {@code {time: "2024-05-06T07:08:09.123Z"}} (RFC 3339, Go's JSON form of a time), which
 * make jobs run periodically. The current time comes from the {@link InstantSource} given to the
 * constructor (the engine's clock), so tests can control it.
 *
 * <h2>source</h2>
 * <ul>
 *   <li>{@code interval}: a Go duration ({@code 60s}, {@code 90m}, {@code 1h}); a new version when
 *       at least this long has passed since the last one. Without it, at most one new version per
 *       calendar day, or per {@code start}–{@code stop} window;</li>
 *   <li>{@code start}, {@code stop}: new versions only at times on or after {@code start} and
 *       before {@code stop}; both or neither. Written {@code 3:04 PM}, {@code 3PM}, {@code 3 PM},
 *       {@code 15:04} or {@code 1504}, optionally followed by a deprecated UTC offset such as
 *       {@code -0700}. A {@code start} later than {@code stop} makes the window run through
 *       midnight; equal ones make it a whole day;</li>
 *   <li>{@code location}: an IANA time zone ({@code America/New_York}) in which {@code start},
 *       {@code stop} and {@code days} are meant (default UTC, or the offset given with
 *       {@code start}); versions carry the time in this zone;</li>
 *   <li>{@code days}: weekday names ({@code Monday}...{@code Sunday}, any case): new versions
 *       only on these days. A window belongs to the day it starts on, so a window from 10 PM to
 *       2 AM on {@code [Friday]} runs from Friday night into Saturday morning;</li>
 *   <li>{@code initial_version} ({@code true}/{@code false}): the first check (no version yet)
 *       finds the current time whether or not it is in the window, so a job can be triggered by
 *       hand before the window first comes round.</li>
 * </ul>
 *
 * <h2>check, get, put</h2>
 * A check returns the given version (when there is one) followed, if the current time is allowed
 * (in the window, on one of the days) and due (no version yet; {@code interval} passed since the
 * given version; without an interval, the given version is from before the current window or, with
 * no window, from an earlier day), by a version for the current time. A get writes {@code input},
 * the request as JSON ({@code source}, {@code version}, {@code params}), and {@code timestamp},
 * the version's time as Go prints it ({@code 2006-01-02 15:04:05.999999999 -0700 MST}). A put
 * creates a version for the current time (to record when something happened in a build).
 *
 * <p>Where this differs from the Go resource: versions are the current time when the check runs,
 * not times aligned to the interval, so two pipelines with the same source do not share versions.
 *
 * <p>Thread-safe.
 */
public final class TimeResource implements ResourceType {
    /** The name pipelines use: {@code time}. */
    public static final String NAME = "time";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern TIME_OF_DAY = Pattern.compile(
            "(?i)^(?:(\\d{1,2}):(\\d{2}) (AM|PM)|(\\d{1,2}) ?(AM|PM)|(\\d{1,2}):(\\d{2})|(\\d{2})(\\d{2}))"
                    + "(?: ([+-]\\d{4}))?$");
    private static final DateTimeFormatter GO_DEFAULT_FORMAT = DateTimeFormatter.ofPattern(
            "yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final InstantSource clock;

    /** A time resource reading the current time from {@code clock}. */
    public TimeResource(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Version> check(ResourceRequest request) {
        Settings settings = Settings.of(request.source());
        ZonedDateTime now = clock.instant().atZone(settings.zone());
        List<Version> versions = new ArrayList<>();
        ZonedDateTime previous = null;
        if (request.version() != null) {
            previous = parseVersion(request.version());
            versions.add(request.version());
        } else if (settings.initialVersion()) {
            return List.of(version(now));
        }
        if (settings.due(now, previous)) {
            versions.add(version(now));
        }
        return versions;
    }

    @Override
    public ResourceResult get(ResourceRequest request, Path directory) {
        Settings settings = Settings.of(request.source());
        Version version = request.version() != null ? request.version() : version(clock.instant().atZone(settings.zone()));
        ZonedDateTime time = parseVersion(version);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("source", request.source());
        input.put("version", version.fields());
        input.put("params", request.params());
        try {
            Files.writeString(directory.resolve("input"), JSON.writeValueAsString(input), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("timestamp"), goDefaultFormat(time), StandardCharsets.UTF_8);
        } catch (IOException | JacksonException e) {
            throw new ResourceException("time resource: cannot write the fetched time: " + e.getMessage(), e);
        }
        return ResourceResult.of(version);
    }

    @Override
    public ResourceResult put(ResourceRequest request, Path directory) {
        Settings settings = Settings.of(request.source());
        return ResourceResult.of(version(clock.instant().atZone(settings.zone())));
    }

    private static Version version(ZonedDateTime time) {
        return Version.of("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.toOffsetDateTime()));
    }

    private static ZonedDateTime parseVersion(Version version) {
        String text = version.fields().get("time");
        if (text == null) {
            throw new ResourceException("time resource: version " + version + " has no 'time' field; time versions "
                    + "look like {time: 2006-01-02T15:04:05Z}");
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toZonedDateTime();
        } catch (DateTimeParseException e) {
            throw new ResourceException("time resource: version time '" + text + "' is not an RFC 3339 time: "
                    + e.getMessage(), e);
        }
    }

    /** Go's {@code time.Time.String()} layout: {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
    static String goDefaultFormat(ZonedDateTime time) {
        StringBuilder s = new StringBuilder(GO_DEFAULT_FORMAT.format(time));
        int nanos = time.getNano();
        if (nanos != 0) {
            String fraction = String.format(Locale.ROOT, "%09d", nanos).replaceFirst("0+$", "");
            s.append('.').append(fraction);
        }
        int seconds = time.getOffset().getTotalSeconds();
        String offset = String.format(Locale.ROOT, "%s%02d%02d", seconds < 0 ? "-" : "+",
                Math.abs(seconds) / 3600, Math.abs(seconds) / 60 % 60);
        String zoneName;
        if (time.getZone() instanceof ZoneOffset) {
            zoneName = seconds == 0 ? "UTC" : offset;
        } else {
            zoneName = time.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT);
        }
        return s.append(' ').append(offset).append(' ').append(zoneName).toString();
    }

    /** A parsed {@code source}. */
    private record Settings(Duration interval, LocalTime start, LocalTime stop, ZoneId zone, Set<DayOfWeek> days,
            boolean initialVersion) {

        static Settings of(Map<String, Object> source) {
            Fields fields = Fields.source(NAME, source);
            Duration interval = null;
            String intervalText = fields.string("interval", null);
            if (intervalText != null) {
                try {
                    interval = GoDuration.parse(intervalText);
                } catch (IllegalArgumentException e) {
                    throw fields.invalid("interval", "is not a duration: " + e.getMessage());
                }
                if (interval.isNegative() || interval.isZero()) {
                    throw fields.invalid("interval", "must be positive, not " + intervalText);
                }
            }
            TimeOfDay start = TimeOfDay.parse(fields, "start");
            TimeOfDay stop = TimeOfDay.parse(fields, "stop");
            if (start != null && stop == null) {
                throw fields.invalid("stop", "must be set when start is (the window needs both ends)");
            }
            if (stop != null && start == null) {
                throw fields.invalid("start", "must be set when stop is (the window needs both ends)");
            }
            ZoneId zone = ZoneOffset.UTC;
            String location = fields.string("location", null);
            if (location != null) {
                try {
                    zone = location.equals("Local") ? ZoneId.systemDefault() : ZoneId.of(location);
                } catch (DateTimeException e) {
                    throw fields.invalid("location", "is not a time zone: unknown time zone " + location);
                }
            } else if (start != null && start.offset() != null) {
                zone = start.offset();
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String day : fields.stringList("days")) {
                days.add(parseDay(fields, day));
            }
            return new Settings(interval, start == null ? null : start.time(), stop == null ? null : stop.time(), zone,
                    days, fields.bool("initial_version"));
        }

        private static DayOfWeek parseDay(Fields fields, String day) {
            for (DayOfWeek candidate : DayOfWeek.values()) {
                if (candidate.getDisplayName(TextStyle.FULL, Locale.ENGLISH).equalsIgnoreCase(day.strip())) {
                    return candidate;
                }
            }
            throw fields.invalid("days", "has an invalid day '" + day + "'; use Sunday, Monday, Tuesday, Wednesday, "
                    + "Thursday, Friday or Saturday");
        }

        /** Whether a new version is allowed and due at {@code now}, after {@code previous} (or none). */
        boolean due(ZonedDateTime now, ZonedDateTime previous) {
            ZonedDateTime windowStart = null;
            if (start != null) {
                windowStart = ZonedDateTime.of(now.toLocalDate(), start, zone);
                if (windowStart.isAfter(now)) {
                    windowStart = ZonedDateTime.of(now.toLocalDate().minusDays(1), start, zone);
                }
                ZonedDateTime windowStop = ZonedDateTime.of(
                        stop.isAfter(start) ? windowStart.toLocalDate() : windowStart.toLocalDate().plusDays(1),
                        stop, zone);
                if (!now.isBefore(windowStop)) {
                    return false;
                }
            }
            DayOfWeek day = (windowStart != null ? windowStart : now).getDayOfWeek();
            if (!days.isEmpty() && !days.contains(day)) {
                return false;
            }
            if (previous == null) {
                return true;
            }
            Instant last = previous.toInstant();
            if (interval != null) {
                return !Duration.between(last, now.toInstant()).minus(interval).isNegative();
            }
            if (windowStart != null) {
                return last.isBefore(windowStart.toInstant());
            }
            return last.isBefore(now.toLocalDate().atStartOfDay(zone).toInstant());
        }
    }

    /** A {@code start} or {@code stop}: a time of day and, deprecated, a UTC offset. */
    private record TimeOfDay(LocalTime time, ZoneOffset offset) {
        static TimeOfDay parse(Fields fields, String key) {
            String text = fields.string(key, null);
            if (text == null) {
                return null;
            }
            Matcher m = TIME_OF_DAY.matcher(text.strip());
            if (!m.matches()) {
                throw fields.invalid(key, "is not a time of day: '" + text + "'; use 3:04 PM, 3PM, 3 PM, 15:04 or 1504");
            }
            int hour;
            int minute = 0;
            if (m.group(1) != null) {
                hour = twelveHour(fields, key, text, Integer.parseInt(m.group(1)), m.group(3));
                minute = Integer.parseInt(m.group(2));
            } else if (m.group(4) != null) {
                hour = twelveHour(fields, key, text, Integer.parseInt(m.group(4)), m.group(5));
            } else if (m.group(6) != null) {
                hour = Integer.parseInt(m.group(6));
                minute = Integer.parseInt(m.group(7));
            } else {
                hour = Integer.parseInt(m.group(8));
                minute = Integer.parseInt(m.group(9));
            }
            if (hour > 23 || minute > 59) {
                throw fields.invalid(key, "is not a time of day: '" + text + "' (hour or minute out of range)");
            }
            ZoneOffset offset = null;
            if (m.group(10) != null) {
                String o = m.group(10);
                try {
                    offset = ZoneOffset.ofHoursMinutes(Integer.parseInt(o.substring(0, 3)),
                            Integer.parseInt(o.charAt(0) + o.substring(3)));
                } catch (DateTimeException e) {
                    throw fields.invalid(key, "has an invalid offset '" + o + "'");
                }
            }
            return new TimeOfDay(LocalTime.of(hour, minute), offset);
        }

        private static int twelveHour(Fields fields, String key, String text, int hour, String amPm) {
            if (hour > 12) {
                throw fields.invalid(key, "is not a time of day: '" + text + "' (hour out of range for AM/PM)");
            }
            boolean pm = amPm.equalsIgnoreCase("PM");
            return hour % 12 + (pm ? 12 : 0);
        }
    }
}
