package dev.concourse.runtime.linux.internal.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostCommandsTest {

    private final HostCommands commands = new HostCommands(Duration.ofSeconds(10));

    @Test
    void aFailingCommandIsAnErrorNamingTheCommandItsExitCodeAndItsStandardError() {
        assertThatThrownBy(() -> commands.run("sh", "-c", "echo 'RTNETLINK answers: File exists' >&2; exit 2"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("'sh -c echo 'RTNETLINK answers: File exists' >&2; exit 2' failed with exit code 2")
                .hasMessageEndingWith(": RTNETLINK answers: File exists");
    }

    @Test
    void returnsStandardOutputAndPassesStandardInput() {
        assertThat(commands.run("sh", "-c", "echo out")).isEqualTo("out\n");
        HostCommands.Result result = commands.tryRun("sh", "-c", "exit 3");
        assertThat(result.ok()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThatThrownBy(() -> commands.runWithInput("line one\n", "sh", "-c", "cat >&2; exit 1"))
                .hasMessageContaining(": line one").hasMessageContaining("Input was:\nline one");
    }

    @Test
    void aMissingProgramIsAnErrorSayingWhatToInstall() {
        assertThatThrownBy(() -> commands.run("iptables-not-there", "-L"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("needs 'iptables-not-there'")
                .hasMessageContaining("apt-get install iptables");
    }

    @Test
    void aHangingCommandIsKilledAtTheTimeout() {
        HostCommands impatient = new HostCommands(Duration.ofMillis(300));
        assertThatThrownBy(() -> impatient.run("sleep", "30"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("'sleep 30' did not finish");
    }
}
