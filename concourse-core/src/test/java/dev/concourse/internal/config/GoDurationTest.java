package dev.concourse.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Go's time/time_test.go (parseDurationTests, durationTests) and a few of our own. */
class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "5s, 5000000000",
        "30s, 30000000000",
        "1478s, 1478000000000",
        "-5s, -5000000000",
        "+5s, 5000000000",
        "-0, 0",
        "+0, 0",
        "5.0s, 5000000000",
        "5.6s, 5600000000",
        "5.s, 5000000000",
        ".5s, 500000000",
        "1.0s, 1000000000",
        "1.00s, 1000000000",
        "1.004s, 1004000000",
        "1.0040s, 1004000000",
        "100.00100s, 100001000000",
        "10ns, 10",
        "11us, 11000",
        "12µs, 12000",
        "12μs, 12000",
        "13ms, 13000000",
        "14s, 14000000000",
        "15m, 900000000000",
        "16h, 57600000000000",
        "3h30m, 12600000000000",
        "10.5s4m, 250500000000",
        "-2m3.4s, -123400000000",
        "1h2m3s4ms5us6ns, 3723004005006",
        "39h9m14.425s, 140954425000000",
        "52763797000ns, 52763797000",
        "0.3333333333333333333h, 1200000000000",
        "9007199254740993ns, 9007199254740993",
        "9223372036854775807ns, 9223372036854775807",
        "9223372036854775.807us, 9223372036854775807",
        "9223372036s854ms775us807ns, 9223372036854775807",
        "-9223372036854775808ns, -9223372036854775808",
        "-9223372036854775.808us, -9223372036854775808",
        "0.100000000000000000000h, 360000000000",
        "0.830103483285477580700h, 2988372539827",
        "1.5h, 5400000000000",
        "2us, 2000",
        "300ms, 300000000",
    })
    void parsesLikeGo(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
        assertThat(GoDuration.isValid(text)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''               | time: invalid duration \"\"",
        "3                | time: missing unit in duration \"3\"",
        "10               | time: missing unit in duration \"10\"",
        "-                | time: invalid duration \"-\"",
        "s                | time: invalid duration \"s\"",
        ".                | time: invalid duration \".\"",
        "-.               | time: invalid duration \"-.\"",
        ".s               | time: invalid duration \".s\"",
        "+.s              | time: invalid duration \"+.s\"",
        "1d               | time: unknown unit \"d\" in duration \"1d\"",
        "1.1.1s           | time: missing unit in duration \"1.1.1s\"",
        "3000000h         | time: invalid duration \"3000000h\"",
        "9223372036854775808ns | time: invalid duration \"9223372036854775808ns\"",
        "9223372036854775.808us | time: invalid duration \"9223372036854775.808us\"",
        "9223372036854ms775us808ns | time: invalid duration \"9223372036854ms775us808ns\"",
        "-9223372036854775809ns | time: invalid duration \"-9223372036854775809ns\"",
        "never            | time: invalid duration \"never\"",
        "1 h              | time: unknown unit \" h\" in duration \"1 h\"",
        "3µ               | time: unknown unit \"\\xc2\\xb5\" in duration \"3\\xc2\\xb5\"",
        "\"5s\"           | time: invalid duration \"\\\"5s\\\"\"",
    })
    void rejectsLikeGo(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
        assertThat(GoDuration.validate(text)).contains(message);
    }

    @Test
    void nullIsTheEmptyString() {
        assertThat(GoDuration.validate(null)).contains("time: invalid duration \"\"");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "1100, 1.1µs",
        "2200000, 2.2ms",
        "3300000000, 3.3s",
        "240000000000, 4m0s",
        "245000000000, 4m5s",
        "245001000000, 4m5.001s",
        "18305001000000, 5h5m5.001s",
        "18300000000000, 5h5m0s",
        "-1, -1ns",
        "-5400000000000, -1h30m0s",
        "86400000000000, 24h0m0s",
        "9223372036854775807, 2562047h47m16.854775807s",
        "-9223372036854775808, -2562047h47m16.854775808s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void formatThenParseRoundTrips() {
        Duration d = Duration.ofHours(3).plusMinutes(7).plusMillis(42);
        assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
    }
}
