package io.agentmatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What /proc says about a process and the machine: resident memory and CPU time. */
public final class Proc {
    private static final double TICKS = 100.0; // USER_HZ on Linux

    private Proc() {
    }

    /** VmRSS in kB, or -1. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU seconds of a process (its threads included), or NaN. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy and total CPU seconds of the whole machine since boot (from /proc/stat). */
    static double[] machineCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) / TICKS, total / TICKS};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** CPU use of named processes over an interval: {@code start()}, work, then {@code coresUsed()}. */
    public static final class CpuWindow {
        private final Map<String, Long> pids;
        private final Map<String, Double> before = new LinkedHashMap<>();
        private double[] machineBefore;
        private long startNanos;

        public CpuWindow(Map<String, Long> pids) {
            this.pids = pids;
        }

        public CpuWindow start() {
            pids.forEach((name, pid) -> before.put(name, cpuSeconds(pid)));
            machineBefore = machineCpu();
            startNanos = System.nanoTime();
            return this;
        }

        /** Cores used by each process during the window, plus "machine busy" (all processes, out of nproc). */
        public Map<String, Double> coresUsed() {
            double wall = (System.nanoTime() - startNanos) / 1e9;
            Map<String, Double> used = new LinkedHashMap<>();
            pids.forEach((name, pid) -> used.put(name, (cpuSeconds(pid) - before.get(name)) / wall));
            double[] machine = machineCpu();
            used.put("machine busy", (machine[0] - machineBefore[0]) / (machine[1] - machineBefore[1])
                    * Runtime.getRuntime().availableProcessors());
            return used;
        }
    }
}
