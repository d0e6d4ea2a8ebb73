package io.agentmatch.chaos;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The outcome of one scenario: what was injected, what was acknowledged, and every invariant broken. */
public final class Summary {
    private static final Logger LOG = LoggerFactory.getLogger(Summary.class);

    /** A scenario's body: its summary, or an exception when it could not run to the end. */
    @FunctionalInterface
    public interface Body {
        Summary run() throws Exception;
    }

    /**
     * Runs one scenario and times it. A scenario that throws (or fails an assertion) is a failed
     * summary saying so, never an exception: the other scenarios still run and the report is whole.
     */
    public static Summary timed(String scenario, Body body) {
        long start = System.nanoTime();
        Summary summary;
        try {
            summary = body.run();
        } catch (Exception | AssertionError e) {
            LOG.error("{} could not run to the end", scenario, e);
            summary = new Summary(scenario);
            summary.fail("aborted: " + e);
        }
        summary.durationMs = (System.nanoTime() - start) / 1_000_000;
        return summary;
    }

    public final String scenario;
    public int faults;
    public long acknowledged;
    public long lost;
    public long duplicated;
    public long staleOverwrites;
    /** Items whose table content differs from the replayed log (either way). */
    public long tableVsLog;
    /** Live profiles without a matching projection, or projections of absent profiles. */
    public long projectionVsTable;
    /** Conversations whose messages are out of order or whose count differs from the log. */
    public long conversationErrors;
    public long deadLetters;
    public long durationMs;
    public final List<String> notes = new ArrayList<>();
    /** Violations of scenario-specific invariants (the API's answers, health, ...). */
    public final List<String> failures = new ArrayList<>();
    /** A few examples of broken invariants, for the log. */
    public final List<String> examples = new ArrayList<>();

    public Summary(String scenario) {
        this.scenario = scenario;
    }

    public boolean ok() {
        return lost == 0 && duplicated == 0 && staleOverwrites == 0 && tableVsLog == 0 && projectionVsTable == 0
                && conversationErrors == 0 && deadLetters == 0 && failures.isEmpty();
    }

    public void fail(String failure) {
        failures.add(failure);
    }

    void example(String text) {
        if (examples.size() < 10) {
            examples.add(text);
        }
    }

    /** One line: faults injected, writes acknowledged, lost, duplicated, stale overwrites, and the rest. */
    public String line() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-16s %s faults=%d acked=%d lost=%d duplicated=%d stale=%d table!=log=%d "
                        + "projection!=table=%d conversation-errors=%d dead-letters=%d (%.0f s)",
                scenario, ok() ? "PASS" : "FAIL", faults, acknowledged, lost, duplicated, staleOverwrites, tableVsLog,
                projectionVsTable, conversationErrors, deadLetters, durationMs / 1000.0));
        if (!notes.isEmpty()) {
            out.append(" | ").append(String.join("; ", notes));
        }
        if (!failures.isEmpty()) {
            out.append(" | FAILED: ").append(String.join("; ", failures));
        }
        return out.toString();
    }

    public String details() {
        return examples.isEmpty() ? "" : "  examples: " + String.join("\n            ", examples);
    }
}
