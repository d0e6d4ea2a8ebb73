package io.agentmatch.migrator;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Batched reads of the profile table: BatchGetItem (100 keys, unprocessed keys retried) and parallel
 * Scan. A deleted profile's tombstone is never returned: absent from {@link #getAll}, filtered out of
 * {@link #scan}.
 */
public final class ProfileTable {
    public static final int BATCH = 100;
    private static final int MAX_ATTEMPTS = 12;

    private final DynamoDbClient dynamo;
    private final PipelineConfig config;
    private final String table;

    public ProfileTable(DynamoDbClient dynamo, PipelineConfig config) {
        this.dynamo = dynamo;
        this.config = config;
        this.table = config.profileTable();
    }

    /** The migrator's DynamoDB clients: every command that reaches DynamoDB gets them here, once, and logs how. */
    static DynamoClients clients(PipelineConfig config) {
        DynamoClients clients = DynamoClients.of(config, "migrator");
        LoggerFactory.getLogger("pipeline").info(clients.describe());
        return clients;
    }

    /** A fatal, expected DynamoDB problem: the message is for the operator. */
    public static final class DynamoUnavailableException extends RuntimeException {
        public DynamoUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    public boolean tableExists() {
        try {
            dynamo.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    /** The current items of {@code ids} (at most {@link #BATCH}, no duplicates), by id; absent and deleted ids are absent. */
    public Map<String, Map<String, AttributeValue>> getAll(List<String> ids) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(ProfileItems.key(id)));
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
        for (int attempt = 1; !request.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new DynamoUnavailableException("DynamoDB kept returning unprocessed keys for table " + table
                        + " after " + MAX_ATTEMPTS + " attempts (throttled?)");
            }
            if (attempt > 1) {
                sleep(Math.min(2000, 50L << Math.min(attempt, 6)));
            }
            BatchGetItemResponse response;
            try {
                final Map<String, KeysAndAttributes> items = request;
                response = dynamo.batchGetItem(b -> b.requestItems(items));
            } catch (ResourceNotFoundException e) {
                throw new DynamoUnavailableException("table " + table + " does not exist at " + endpoint());
            } catch (SdkException e) {
                throw unavailable(e);
            }
            response.responses().getOrDefault(table, List.of()).stream().filter(item -> !ProfileItems.isTombstone(item))
                    .forEach(item -> found.put(item.get(ProfileItems.ID).s(), item));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    /** Every live profile (no tombstone), read by a parallel Scan with {@code segments} segments, all pages. */
    public void scan(int segments, String projection, Map<String, String> names,
                     Consumer<Map<String, AttributeValue>> sink) {
        scanTable(dynamo, config, table, segments, projection, ProfileItems.LIVE_ONLY,
                ProfileItems.withLiveOnlyNames(names == null ? Map.of() : names), sink);
    }

    static void scanTable(DynamoDbClient dynamo, PipelineConfig config, String table, int segments, String projection,
                          Map<String, String> names, Consumer<Map<String, AttributeValue>> sink) {
        scanTable(dynamo, config, table, segments, projection, null, names, sink);
    }

    private static void scanTable(DynamoDbClient dynamo, PipelineConfig config, String table, int segments,
                                  String projection, String filter, Map<String, String> names,
                                  Consumer<Map<String, AttributeValue>> sink) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();
        for (int segment = 0; segment < segments; segment++) {
            final int s = segment;
            Thread thread = new Thread(() -> {
                try {
                    Map<String, AttributeValue> start = null;
                    do {
                        ScanRequest.Builder builder = ScanRequest.builder().tableName(table)
                                .segment(s).totalSegments(segments).exclusiveStartKey(start);
                        if (projection != null) {
                            builder.projectionExpression(projection);
                        }
                        if (filter != null) {
                            builder.filterExpression(filter);
                        }
                        if (names != null && !names.isEmpty()) {
                            builder.expressionAttributeNames(names);
                        }
                        ScanResponse page = dynamo.scan(builder.build());
                        synchronized (sink) {
                            page.items().forEach(sink);
                        }
                        start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                                ? page.lastEvaluatedKey() : null;
                    } while (start != null);
                } catch (ResourceNotFoundException e) {
                    synchronized (errors) {
                        errors.add(new DynamoUnavailableException("table " + table + " does not exist at "
                                + endpoint(config)));
                    }
                } catch (SdkException e) {
                    synchronized (errors) {
                        errors.add(unavailable(config, e));
                    }
                } catch (RuntimeException e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }, "scan-" + table + "-" + s);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DynamoUnavailableException("interrupted while scanning " + table);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    private String endpoint() {
        return endpoint(config);
    }

    static String endpoint(PipelineConfig config) {
        if (config.dynamoDbEndpoint() != null) {
            return config.dynamoDbEndpoint();
        }
        return config.awsRegion() == null ? "AWS (the SDK's region)" : "AWS region " + config.awsRegion();
    }

    private DynamoUnavailableException unavailable(SdkException e) {
        return unavailable(config, e);
    }

    static DynamoUnavailableException unavailable(PipelineConfig config, SdkException e) {
        String what = e instanceof SdkClientException ? "is unreachable" : "refused the request";
        return new DynamoUnavailableException("DynamoDB at " + endpoint(config) + " " + what + ": "
                + MigratorKafka.rootMessage(e) + " (check DYNAMODB_ENDPOINT / AWS_REGION)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DynamoUnavailableException("interrupted");
        }
    }
}
