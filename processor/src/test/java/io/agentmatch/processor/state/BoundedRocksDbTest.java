package io.agentmatch.processor.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.processor.ProcessorApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.streams.StreamsConfig;
import io.agentmatch.localstack.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Every RocksDB store of the process shares one bounded cache, memtables charged to it. */
class BoundedRocksDbTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theStreamsPropertiesInstallTheSetterWithTheDeclaredSizes() {
        Properties props = ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"),
                "persister", "rocks-test", Path.of("/tmp/unused"), 1, 1,
                RocksDbMemory.fromEnv(new Env(Map.of("PROCESSOR_ROCKSDB_MEMORY_MB", "96", "PROCESSOR_ROCKSDB_WRITE_BUFFER_MB", "24"))))
                .properties();
        assertEquals(BoundedRocksDb.class, props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        assertEquals(96 * MIB, props.get(BoundedRocksDb.TOTAL_BYTES));
        assertEquals(24 * MIB, props.get(BoundedRocksDb.WRITE_BUFFER_BYTES));
        assertEquals(new RocksDbMemory(96 * MIB, 24 * MIB), BoundedRocksDb.sizing(Map.copyOf(toMap(props))));
    }

    @Test
    void writeBuffersMustLeaveRoomInTheCache() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RocksDbMemory.fromEnv(
                new Env(Map.of("PROCESSOR_ROCKSDB_MEMORY_MB", "16", "PROCESSOR_ROCKSDB_WRITE_BUFFER_MB", "16"))));
        assertTrue(error.getMessage().contains("PROCESSOR_ROCKSDB_WRITE_BUFFER_MB"), error.getMessage());
    }

    @Test
    void manyStoresShareOneCacheAndTheirMemtablesAreFlushedBackWithinTheWriteBufferBudget() throws Exception {
        RocksDbMemory memory = new RocksDbMemory(16 * MIB, 4 * MIB);
        long bounded = memtablesAfterWriting(BoundedRocksDb.properties(memory), new BoundedRocksDb());
        // The same stores and writes with Kafka Streams' defaults: nothing reaches a 16 MiB memtable, nothing is flushed.
        long unbounded = memtablesAfterWriting(Map.of(), null);
        assertTrue(unbounded > 30 * MIB, "control: unbounded memtables hold " + unbounded / MIB + " MiB");
        // RocksDB's bound is soft: the manager decides on the write path, so the last writes can leave a
        // memtable being flushed plus the ones switched to above it (seen up to 11 MiB on a loaded host);
        // bounded still means a fraction of what the same writes hold without it.
        assertTrue(bounded <= 3 * memory.writeBufferBytes() && bounded * 3 < unbounded,
                "memtables hold " + bounded / MIB + " MiB, budget 4 MiB, unbounded " + unbounded / MIB + " MiB");
        Cache cache = BoundedRocksDb.cacheFor(memory);
        assertTrue(cache.getUsage() > 0, "the stores read through the shared cache");
        assertTrue(cache.getUsage() <= memory.totalBytes() + MIB, "cache holds " + cache.getUsage() / MIB + " MiB of 16");
        assertSame(cache, BoundedRocksDb.cacheFor(new RocksDbMemory(16 * MIB, 4 * MIB)), "one cache per sizing");
    }

    /** Four stores as Kafka Streams opens them, 40 MB written round-robin and read back: their memtables once flushes settle. */
    private static long memtablesAfterWriting(Map<String, Object> configs, BoundedRocksDb setter) throws Exception {
        RocksDB.loadLibrary();
        List<RocksDB> stores = new ArrayList<>();
        List<Options> options = new ArrayList<>();
        Random random = new Random(1);
        try {
            for (int store = 0; store < 4; store++) {
                // Kafka Streams' defaults: its own table config, 16 MiB memtables, up to 3 of them per store.
                Options opts = new Options().setCreateIfMissing(true).setWriteBufferSize(16 * MIB).setMaxWriteBufferNumber(3)
                        .setTableFormatConfig(new BlockBasedTableConfig());
                if (setter != null) {
                    setter.setConfig("store-" + store, opts, configs);
                }
                options.add(opts);
                stores.add(RocksDB.open(opts, Files.createTempDirectory("rocks-" + store).toString()));
            }
            byte[] value = new byte[1024];
            for (int i = 0; i < 40_000; i++) {
                random.nextBytes(value);
                stores.get(i % stores.size()).put(("key-" + i).getBytes(StandardCharsets.UTF_8), value);
            }
            for (int i = 0; i < 40_000; i++) {
                stores.get(i % stores.size()).get(("key-" + i).getBytes(StandardCharsets.UTF_8));
            }
            // Flushes run in the background: wait for them to settle (the memtables stop shrinking).
            long[] last = {Long.MAX_VALUE};
            Await.until("flushes settle", Duration.ofSeconds(30), () -> {
                try {
                    long now = memtables(stores);
                    boolean settled = now == last[0] && pendingFlushes(stores) == 0;
                    last[0] = now;
                    return settled;
                } catch (org.rocksdb.RocksDBException e) {
                    throw new IllegalStateException(e);
                }
            });
            return memtables(stores);
        } finally {
            stores.forEach(RocksDB::close);
            if (setter != null) {
                options.forEach(o -> setter.close("store", o));
            }
            options.forEach(Options::close);
        }
    }

    private static long pendingFlushes(List<RocksDB> stores) throws org.rocksdb.RocksDBException {
        long total = 0;
        for (RocksDB db : stores) {
            total += Long.parseLong(db.getProperty("rocksdb.mem-table-flush-pending"))
                    + Long.parseLong(db.getProperty("rocksdb.num-running-flushes"));
        }
        return total;
    }

    private static long memtables(List<RocksDB> stores) throws org.rocksdb.RocksDBException {
        long total = 0;
        for (RocksDB db : stores) {
            total += Long.parseLong(db.getProperty("rocksdb.cur-size-all-mem-tables"));
        }
        return total;
    }

    private static Map<String, Object> toMap(Properties props) {
        Map<String, Object> map = new java.util.HashMap<>();
        props.forEach((k, v) -> map.put(k.toString(), v));
        return map;
    }
}
