package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.PipelineConfig;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the tables when absent and waits until they and their indexes are ACTIVE. Polls every
 * 100 ms itself: the SDK's waiters poll every 20 s, which against dynalite is pure waiting.
 */
public final class TableProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TableProvisioner.class);

    private final DynamoDbClient dynamo;

    public TableProvisioner(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    public void ensureTables(PipelineConfig config, Duration timeout) {
        for (CreateTableRequest request : TableDefinitions.all(config)) {
            ensure(request, timeout);
        }
    }

    public void ensure(CreateTableRequest request, Duration timeout) {
        String table = request.tableName();
        if (!exists(table)) {
            try {
                dynamo.createTable(request);
                LOG.info("created table {}", table);
            } catch (ResourceInUseException alreadyBeingCreated) {
                LOG.debug("table {} is being created by someone else", table);
            }
        }
        awaitActive(table, timeout);
    }

    public boolean exists(String table) {
        try {
            dynamo.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    public void awaitActive(String table, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeTableResponse description = dynamo.describeTable(b -> b.tableName(table));
            boolean tableActive = description.table().tableStatus() == TableStatus.ACTIVE;
            boolean indexesActive = description.table().globalSecondaryIndexes().stream()
                    .allMatch(index -> index.indexStatus() == IndexStatus.ACTIVE);
            if (tableActive && indexesActive) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("table " + table + " not ACTIVE after " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + table, e);
            }
        }
    }

    public void deleteIfExists(String table, Duration timeout) {
        try {
            dynamo.deleteTable(b -> b.tableName(table));
        } catch (ResourceNotFoundException e) {
            return;
        }
        Instant deadline = Instant.now().plus(timeout);
        while (exists(table)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("table " + table + " still exists after " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.info("deleted table {}", table);
    }
}
