package io.agentmatch.processor.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Kafka Streams' {@code rocksdb.config.setter}: every RocksDB store of the process (every store, every
 * partition, both Streams applications) shares one LRU block cache, and its memtables are charged to
 * that cache through one write-buffer manager, so their native memory together stays near
 * {@link RocksDbMemory#totalBytes()} however many partitions an instance owns (RocksDB's bound is soft:
 * a little over it while a memtable is being flushed). Index and filter blocks live in the cache too,
 * at high priority, instead of on the heap of each table reader, unbounded.
 *
 * <p>Streams creates one instance per store from the class name, so the shared cache is per
 * sizing and static; it lives as long as the process and is never closed by a store.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    /** Streams properties carrying the sizes ({@link #properties}); read back in {@link #setConfig}. */
    public static final String TOTAL_BYTES = "agentmatch.rocksdb.memory.bytes";
    public static final String WRITE_BUFFER_BYTES = "agentmatch.rocksdb.write.buffer.bytes";
    /** The cache share index and filter blocks may hold at high priority. */
    private static final double INDEX_AND_FILTER_RATIO = 0.1;

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    private static final Map<RocksDbMemory, Shared> SHARED = new ConcurrentHashMap<>();

    /** The Streams properties that install this setter with {@code memory}. */
    public static Map<String, Object> properties(RocksDbMemory memory) {
        return Map.of(TOTAL_BYTES, memory.totalBytes(), WRITE_BUFFER_BYTES, memory.writeBufferBytes());
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(sizing(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: never closed by one.
    }

    static RocksDbMemory sizing(Map<String, Object> configs) {
        Object total = configs.get(TOTAL_BYTES);
        Object writeBuffers = configs.get(WRITE_BUFFER_BYTES);
        if (total == null || writeBuffers == null) {
            return RocksDbMemory.DEFAULTS;
        }
        return new RocksDbMemory(Long.parseLong(total.toString()), Long.parseLong(writeBuffers.toString()));
    }

    /** The cache and write-buffer manager of this sizing, created on first use. */
    static Cache cacheFor(RocksDbMemory memory) {
        return shared(memory).cache();
    }

    private static Shared shared(RocksDbMemory memory) {
        return SHARED.computeIfAbsent(memory, m -> {
            Cache cache = new LRUCache(m.totalBytes(), -1, false, INDEX_AND_FILTER_RATIO);
            return new Shared(cache, new WriteBufferManager(m.writeBufferBytes(), cache));
        });
    }
}
