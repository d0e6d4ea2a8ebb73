package io.agentmatch.chaos;

import io.agentmatch.localstack.TestStack;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./pipeline chaos [scenario...]}: runs the fault scenarios, the fuzzers and the security
 * checks on the stack of {@code PIPELINE_HOME} (started if needed), prints one summary line per
 * scenario and exits 0 only when every invariant held.
 *
 * <p>Options: {@code --short} (the integration tests' sizes), {@code --seed N} (default 20240301).
 */
public final class ChaosMain {
    static {
        // Before any logger exists: the migrator's jar brings a logback.xml of its own.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "chaos-logback.xml");
        }
    }

    public static final List<String> ALL = new ArrayList<>();

    static {
        ALL.addAll(Scenarios.FAULT_SCENARIOS);
        ALL.addAll(Hostile.SCENARIOS);
    }

    private ChaosMain() {
    }

    public static void main(String[] args) {
        Scale scale = Scale.FULL;
        long seed = 20240301L;
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> scale = Scale.SHORT;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: ./pipeline chaos [--short] [--seed N] [scenario...]\nscenarios: " + String.join(", ", ALL));
                    System.exit(0);
                }
                default -> {
                    if (!ALL.contains(args[i])) {
                        System.err.println("unknown scenario '" + args[i] + "'; scenarios: " + String.join(", ", ALL));
                        System.exit(2);
                    }
                    chosen.add(args[i]);
                }
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(ALL);
        }
        System.out.println("chaos: " + chosen.size() + " scenario(s) at " + scale.name() + " scale, seed " + seed);
        TestStack stack = TestStack.shared();
        Scenarios faults = new Scenarios(stack, scale, seed);
        Hostile hostile = new Hostile(stack, scale, seed);
        List<Summary> summaries = new ArrayList<>();
        for (String scenario : chosen) {
            System.out.println("chaos: running " + scenario + "...");
            Summary summary = Scenarios.FAULT_SCENARIOS.contains(scenario) ? faults.run(scenario) : hostile.run(scenario);
            summaries.add(summary);
            System.out.println(summary.line());
            if (!summary.ok() && !summary.details().isEmpty()) {
                System.out.println(summary.details());
            }
        }
        System.out.println();
        System.out.println("chaos summary (" + scale.name() + ", seed " + seed + "):");
        summaries.forEach(s -> System.out.println("  " + s.line()));
        boolean ok = summaries.stream().allMatch(Summary::ok);
        System.out.println(ok ? "chaos: every invariant held" : "chaos: INVARIANTS BROKEN");
        System.exit(ok ? 0 : 1);
    }
}
