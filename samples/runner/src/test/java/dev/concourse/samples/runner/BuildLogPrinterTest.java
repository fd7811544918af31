package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The printer fed events directly, for the cases a real build makes hard to hit on purpose. */
class BuildLogPrinterTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final BuildPlan PLAN = new BuildPlan("3", "on_failure", null, List.of(
            new BuildPlan("1", "task", "unit", List.of()),
            new BuildPlan("2", "task", "notify", List.of())));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private long sequence;

    private void feed(BuildLogPrinter printer, BuildEvent... events) {
        printer.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        for (BuildEvent event : events) {
            printer.onNext(new SequencedEvent(1, ++sequence, event));
        }
        printer.onComplete();
    }

    private static BuildEvent.Log stdout(String id, String text) {
        return new BuildEvent.Log(NOW, new Origin(id, Origin.Source.STDOUT), text);
    }

    private static BuildEvent.Log stderr(String id, String text) {
        return new BuildEvent.Log(NOW, new Origin(id, Origin.Source.STDERR), text);
    }

    @Test
    void headersStartOnALineOfTheirOwnAndComeOncePerStep() throws Exception {
        BuildLogPrinter printer = BuildLogPrinter.withStepHeaders(new PrintWriter(out), new PrintWriter(err),
                () -> Optional.of(PLAN));

        feed(printer,
                new BuildEvent.Status(NOW, BuildStatus.STARTED),
                new BuildEvent.InitializeTask(NOW, Origin.of("1"), null),
                stdout("1", "running"),
                stdout("1", " tests"),
                stderr("1", "oops"),
                new BuildEvent.FinishTask(NOW, Origin.of("1"), 1),
                stdout("2", "notified\n"),
                new BuildEvent.Error(NOW, Origin.of("2"), "something broke"),
                new BuildEvent.Status(NOW, BuildStatus.FAILED));
        BuildLogPrinter.Outcome outcome = printer.await();
        printer.printLine("==> done");

        assertThat(out.toString()).isEqualTo("==> task: unit\nrunning tests\n==> task: notify\nnotified\n==> done\n");
        assertThat(err.toString()).isEqualTo("oops\nerror: something broke\n");
        assertThat(outcome).isEqualTo(new BuildLogPrinter.Outcome(BuildStatus.FAILED, OptionalInt.of(1)));
    }

    @Test
    void withoutAPlanYetHeadersWaitForIt() throws Exception {
        int[] asked = {0};
        BuildLogPrinter printer = BuildLogPrinter.withStepHeaders(new PrintWriter(out), new PrintWriter(err),
                () -> ++asked[0] == 1 ? Optional.empty() : Optional.of(PLAN));

        feed(printer, stdout("1", "early\n"), stdout("2", "later\n"), new BuildEvent.Status(NOW, BuildStatus.SUCCEEDED));

        assertThat(printer.await().exitStatus()).isEmpty();
        assertThat(out.toString()).isEqualTo("early\n==> task: notify\nlater\n");
    }

    @Test
    void plainPrintsNoHeadersAndBuildErrorsHaveNoStep() throws Exception {
        BuildLogPrinter printer = BuildLogPrinter.plain(new PrintWriter(out), new PrintWriter(err));

        feed(printer, stdout("1", "output\n"), new BuildEvent.Error(NOW, null, "the build broke"),
                new BuildEvent.Status(NOW, BuildStatus.ERRORED));

        assertThat(printer.await().status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(out.toString()).isEqualTo("output\n");
        assertThat(err.toString()).isEqualTo("error: the build broke\n");
    }

    @Test
    void aStreamThatEndsWithoutAFinalStatusIsAFailureToFollowTheBuild() {
        BuildLogPrinter printer = BuildLogPrinter.plain(new PrintWriter(out), new PrintWriter(err));

        feed(printer, new BuildEvent.Status(NOW, BuildStatus.STARTED));

        assertThatThrownBy(printer::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without a final status");
    }
}
