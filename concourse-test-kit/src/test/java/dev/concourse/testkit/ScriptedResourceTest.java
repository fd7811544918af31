package dev.concourse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.Version;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptedResourceTest {
    private static final Version V1 = Version.of("ref", "1");
    private static final Version V2 = Version.of("ref", "2");
    private static final Version V3 = Version.of("ref", "3");

    @Test
    void aCheckReportsItsStartThenWhatWasEmittedSinceTheLastCheck() {
        ScriptedResource repo = new ScriptedResource("repo");
        repo.emit("ref", "1").emit("ref", "2");
        assertThat(repo.check(null)).containsExactly(V1, V2);
        assertThat(repo.check(V2)).containsExactly(V2);
        repo.emit("ref", "3");
        assertThat(repo.check(V2)).containsExactly(V2, V3);
    }

    @Test
    void aCheckFromAVersionAPutCreatedDoesNotReportOlderVersionsAgain() {
        ScriptedResource repo = new ScriptedResource("repo");
        repo.emit("ref", "1");
        repo.check(null);
        Version put = repo.recordPut(Map.of("tag", "p1"));
        repo.emit("ref", "3");
        assertThat(repo.check(put)).containsExactly(V3);
    }

    @Test
    void aFailingCheckKeepsItsVersionsForTheNextOne() {
        ScriptedResource repo = new ScriptedResource("repo");
        repo.emit("ref", "1").failCheck("no route to host");
        assertThatThrownBy(() -> repo.check(null)).isInstanceOf(ResourceException.class)
                .hasMessage("check of resource 'repo' failed: no route to host");
        repo.passCheck();
        assertThat(repo.check(null)).containsExactly(V1);
    }

    @Test
    void aPutCreatesItsParamsAsAVersionUnlessToldOtherwise() {
        ScriptedResource image = new ScriptedResource("image");
        assertThat(image.recordPut(Map.of("tag", "1.2", "nested", Map.of("x", 1))))
                .isEqualTo(Version.of("tag", "1.2"));
        assertThat(image.recordPut(Map.of())).isEqualTo(Version.of("put", "2"));
        image.putCreates(Map.of("digest", "sha256:9"));
        assertThat(image.recordPut(Map.of("tag", "x"))).isEqualTo(Version.of("digest", "sha256:9"));
        assertThat(image.puts()).hasSize(3);
    }
}
