package dev.concourse;

import java.util.List;

/** The workers of the engine's container runtime. */
public interface Workers {

    List<WorkerInfo> list();
}
