package io.agentmatch.migrator;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder for the matching module's relevance evaluation; the lead wires it. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Relevance evaluation of the matching (not yet wired: exits 2).",
        footer = {"", ExitCodes.HELP})
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("not yet wired");
        return ExitCodes.USAGE;
    }
}
