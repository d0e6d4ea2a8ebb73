package io.agentmatch.migrator;

import io.agentmatch.contract.kafka.TopicReplay;
import java.io.PrintStream;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Progress for long runs. On a terminal: one line redrawn with {@code \r} (count, files/s, ETA) at
 * most every 200 ms. Otherwise (logs, CI): a plain log line every ~5 s. Call {@link #clear()} before
 * logging something else on a terminal, so the bar does not garble the line.
 */
public final class Progress {

    /** A topic replay's progress ({@link TopicReplay.Progress}): the total is known once the replay has its end offsets. */
    public static final class OfReplay implements TopicReplay.Progress {
        private final String what;
        private final Logger log;
        private Progress bar;

        public OfReplay(String what, Logger log) {
            this.what = what;
            this.log = log;
        }

        @Override
        public void update(long done, long total) {
            if (bar == null) {
                bar = new Progress(what, total, log);
            }
            bar.update(done);
        }

        public void clear() {
            if (bar != null) {
                bar.clear();
            }
        }
    }

    private final String what;
    private final long total;
    private final boolean terminal;
    private final PrintStream out;
    private final Logger log;
    private final long startNanos = System.nanoTime();
    private final long intervalNanos;
    private long lastNanos = startNanos;
    private boolean drawn;

    public Progress(String what, long total, Logger log) {
        this(what, total, System.console() != null, System.err, log);
    }

    Progress(String what, long total, boolean terminal, PrintStream out, Logger log) {
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.out = out;
        this.log = log;
        this.intervalNanos = terminal ? Duration.ofMillis(200).toNanos() : Duration.ofSeconds(5).toNanos();
    }

    public void update(long done) {
        long now = System.nanoTime();
        if (now - lastNanos < intervalNanos) {
            return;
        }
        lastNanos = now;
        if (terminal) {
            out.print("\r" + line(done, now) + "   ");
            out.flush();
            drawn = true;
        } else {
            log.info("progress: {}", line(done, now));
        }
    }

    public void clear() {
        if (terminal && drawn) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
            drawn = false;
        }
    }

    public double rate(long done) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    String line(long done, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder();
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            line.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            line.append(done).append('/').append(total).append(' ').append(what);
            line.append(String.format(" %.1f%%", fraction * 100));
        } else {
            line.append(done).append(' ').append(what);
        }
        line.append(String.format(", %.0f %s/s", rate, what));
        if (total > 0 && rate > 0 && done < total) {
            line.append(", ETA ").append(format(Duration.ofSeconds((long) ((total - done) / rate))));
        }
        return line.toString();
    }

    static String format(Duration duration) {
        long s = duration.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
