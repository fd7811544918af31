package dev.concourse.benchmarks.scheduler;

/**
 * The synthetic pipelines the scheduling benchmarks run on, as {@code JOBSxVERSIONS}: jobs grow
 * with versions fixed at 100, versions grow with jobs fixed at 10 (growing both at once would
 * need millions of builds in memory without telling more).
 */
final class SyntheticShape {
    /** The {@code @Param} values, kept in step with the benchmarks' annotations. */
    static final String[] ALL = {"10x100", "100x100", "1000x100", "10x1000", "10x10000", "10x100000"};

    private SyntheticShape() {
    }

    static SyntheticHistory create(String shape) {
        String[] parts = shape.split("x", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("shape must be JOBSxVERSIONS, not " + shape);
        }
        return SyntheticHistory.create(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
}
