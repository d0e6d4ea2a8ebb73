package io.agentmatch.migrator;

/** The process exit codes of every command, as documented in {@code --help}. */
public final class ExitCodes {
    /** Everything done and, for verify, everything matches. */
    public static final int OK = 0;
    /** A fatal error: Kafka or DynamoDB unreachable, folder unreadable, processor still running, ... */
    public static final int FATAL = 1;
    /** Wrong usage (unknown option, missing argument), or a command that is not wired yet. */
    public static final int USAGE = 2;
    /** Done, but some inputs were skipped as invalid (files for migrate, records/ids for export). */
    public static final int SKIPPED = 3;
    /** verify: some items are missing, differ from their file, or were left by a migration without a file. */
    public static final int MISMATCH = 4;
    /** verify: the processor did not catch up with the profile topic within --timeout. */
    public static final int NOT_CAUGHT_UP = 5;

    public static final String HELP = "Exit codes:%n"
            + "  0  success (verify: everything matches)%n"
            + "  1  fatal error (Kafka/DynamoDB unreachable, unreadable folder, ...)%n"
            + "  2  usage error, or command not wired yet%n"
            + "  3  done, but some inputs were skipped as invalid (see log / --report)%n"
            + "  4  verify: items missing, different, or from a migration without file%n"
            + "  5  verify: the processor did not catch up within --timeout";

    private ExitCodes() {
    }
}
