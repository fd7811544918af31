package dev.concourse.testkit;

/** Not a test: prints how long the 20-job scenario takes after warm-up (java -cp ... TwentyJobTiming). */
final class TwentyJobTiming {
    private TwentyJobTiming() {
    }

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        for (int i = 0; i < warmup; i++) {
            TwentyJobPipelineTest.scenario();
        }
        long[] times = new long[measured];
        long[] cpu = new long[measured];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < measured; i++) {
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            long ok = TwentyJobPipelineTest.scenario();
            times[i] = System.nanoTime() - start;
            cpu[i] = os.getProcessCpuTime() - cpuStart;
            if (ok != 50) {
                throw new IllegalStateException("expected 50 builds, got " + ok);
            }
        }
        java.util.Arrays.sort(times);
        java.util.Arrays.sort(cpu);
        System.out.printf("20 jobs, 50 builds: wall median %.1f ms (min %.1f, max %.1f), process CPU median %.1f ms"
                + " (min %.1f) over %d runs%n", times[measured / 2] / 1e6, times[0] / 1e6, times[measured - 1] / 1e6,
                cpu[measured / 2] / 1e6, cpu[0] / 1e6, measured);
    }
}
