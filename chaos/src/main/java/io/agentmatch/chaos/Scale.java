package io.agentmatch.chaos;

/**
 * How big a run is. {@link #FULL} is what {@code ./pipeline chaos} runs; {@link #SHORT} is what the
 * integration tests run in the normal test command (same code, fewer events, shorter outages).
 *
 * @param migrationEvents legacy files migrated in processor-kill
 * @param processorKills  kill -9 of the processor during the migration
 * @param apiClients      concurrent HTTP clients in api-kill and kafka-restart
 * @param apiWriteSeconds how long the clients write in api-kill
 * @param apiKills        kill -9 of the API while the clients write
 * @param kafkaOutage     seconds the broker is down in kafka-restart
 * @param dynamoOutage    seconds dynalite is down in dynalite-outage
 * @param streamEvents    events published in dynalite-outage and rebalance
 * @param rebalances      membership changes of the second processor in rebalance (join, leave, ...)
 * @param fuzzPerRoute    generated hostile requests per write route
 * @param legacyFiles     generated broken legacy files
 */
public record Scale(String name, int migrationEvents, int processorKills, int apiClients, int apiWriteSeconds,
                    int apiKills, int kafkaOutage, int dynamoOutage, int streamEvents, int rebalances,
                    int fuzzPerRoute, int legacyFiles) {

    public static final Scale FULL = new Scale("full", 20_000, 5, 16, 60, 3, 20, 30, 10_000, 4, 1_000, 1_000);
    public static final Scale SHORT = new Scale("short", 2_000, 2, 16, 15, 2, 5, 5, 2_000, 2, 1_000, 1_000);
}
