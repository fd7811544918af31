package dev.concourse.internal.config.bind;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.SourceLocation;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayList;
import java.util.List;

/** What binding one document collects: findings and the source index of the model built. */
final class BindContext {
    final SourceIndex index;
    final List<ConfigFinding> findings = new ArrayList<>();

    BindContext(SourceIndex index) {
        this.index = index;
    }

    void error(String type, String path, SourceLocation at, String message) {
        findings.add(new ConfigFinding(Severity.ERROR, type, path, at, message));
    }

    void warn(String type, String path, SourceLocation at, String message) {
        findings.add(new ConfigFinding(Severity.WARNING, type, path, at, message));
    }
}
