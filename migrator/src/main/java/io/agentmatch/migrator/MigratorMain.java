package io.agentmatch.migrator;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.LoggingSettings;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.ModelSettings;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pipeline <command>}: migration, verification, rollback export, replay, test data and dead letters. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "agentmatch migrator 1.0.0-SNAPSHOT",
        description = {
                "Operator commands of the agentmatch pipeline.",
                "Configuration comes from environment variables (README, Configuration): KAFKA_BOOTSTRAP_SERVERS, "
                        + "KAFKA_CONFIG_FILE (a secured cluster), DYNAMODB_ENDPOINT, AWS_REGION (or the AWS SDK's region and credentials chains), PROFILE_TABLE_NAME, "
                        + "CONVERSATION_TABLE_NAME, TOPIC_PREFIX, PROCESSOR_APPLICATION_ID. "
                        + "Logs go to stderr (PIPELINE_LOG_LEVEL=DEBUG for more)."},
        subcommands = {
                MigrateCommand.class,
                VerifyCommand.class,
                ExportCommand.class,
                ReplayCommand.class,
                GenerateCommand.class,
                DeadLettersCommand.class,
                EvaluateCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", ExitCodes.HELP})
public final class MigratorMain implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("pipeline");

    /** Read by the migrator's logback.xml. */
    public static final Setting<String> LOG_LEVEL = Setting.text("PIPELINE_LOG_LEVEL", "INFO",
            "the migrator's log level (DEBUG for more)");

    /** Every setting the migrator reads: logged when a command starts, checked against the README. */
    public static final SettingsCatalog SETTINGS = SettingsCatalog.of("migrator", PipelineConfig.SETTINGS,
            ModelSettings.SETTINGS, List.of(LOG_LEVEL, LoggingSettings.LOG_FORMAT), Tracing.SETTINGS);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new MigratorMain()).setUsageHelpWidth(100);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Expected problems name what is wrong; only the unexpected get a stack trace, at debug level.
            if (e instanceof MigratorKafka.KafkaUnavailableException || e instanceof ProfileTable.DynamoUnavailableException) {
                LOG.error("{}", e.getMessage());
            } else if (e instanceof IllegalArgumentException) {
                LOG.error("configuration: {}", e.getMessage());
            } else {
                LOG.error("{} failed: {}", commandLine.getCommandName(), MigratorKafka.rootMessage(e));
                LOG.debug("stack trace", e);
            }
            return ExitCodes.FATAL;
        });
        return cli.execute(args);
    }

    private static volatile PipelineConfig override;

    /** Runs a command with {@code config} instead of the environment's (integration tests). */
    public static synchronized int run(PipelineConfig config, String... args) {
        override = config;
        try {
            return run(args);
        } finally {
            override = null;
        }
    }

    /** The configuration from the environment (or the one given to {@link #run(PipelineConfig, String...)}). */
    static PipelineConfig config() {
        PipelineConfig given = override;
        if (given != null) {
            return given;
        }
        Env env = Env.system();
        LOG.info(SETTINGS.describe(env));
        LoggingSettings.LOG_FORMAT.read(env);
        PipelineConfig config = PipelineConfig.fromEnv(env);
        LOG.info(MigratorKafka.clients(config).describe());
        return config;
    }
}
