package dev.concourse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotsTest {

    @Test
    void updateModeWritesAndCompareModeThenMatches(@TempDir Path dir) throws IOException {
        assertThat(new Snapshots(dir, true).compare("tree", "job a: succeeded\n")).isNull();
        assertThat(Files.readString(dir.resolve("tree.txt"))).isEqualTo("job a: succeeded\n");
        assertThat(new Snapshots(dir, false).compare("tree", "job a: succeeded\n")).isNull();
    }

    @Test
    void aMissingSnapshotFailsWithoutWritingOne(@TempDir Path dir) {
        assertThat(new Snapshots(dir, false).compare("tree", "x\n")).contains("no snapshot")
                .contains("-Dconcourse.snapshots.update=true");
        assertThat(dir.resolve("tree.txt")).doesNotExist();
    }

    @Test
    void aDifferenceShowsBothTrees(@TempDir Path dir) {
        new Snapshots(dir, true).compare("tree", "old\n");
        assertThat(new Snapshots(dir, false).compare("tree", "new\n")).contains("expected:\nold").contains("actual:\nnew");
    }
}
