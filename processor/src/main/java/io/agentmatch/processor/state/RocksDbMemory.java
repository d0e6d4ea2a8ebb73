package io.agentmatch.processor.state;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import java.util.List;

/**
 * The native memory every RocksDB store of one processor shares ({@link BoundedRocksDb}): one block
 * cache of {@code totalBytes}, of which memtables (write buffers) may take {@code writeBufferBytes}.
 * Without it each store instance (one per store and partition: two dozen at six partitions) takes
 * Kafka Streams' defaults, a 50 MiB cache and up to three 16 MiB memtables, which no container
 * limit accounts for.
 */
public record RocksDbMemory(long totalBytes, long writeBufferBytes) {
    private static final long MIB = 1024L * 1024;

    public static final Setting<Integer> PROCESSOR_ROCKSDB_MEMORY_MB = Setting.integer("PROCESSOR_ROCKSDB_MEMORY_MB", 64, 8,
            64 * 1024, "native memory of all the processor's RocksDB stores together: one block cache, memtables included");
    public static final Setting<Integer> PROCESSOR_ROCKSDB_WRITE_BUFFER_MB = Setting.integer("PROCESSOR_ROCKSDB_WRITE_BUFFER_MB", 16,
            1, 64 * 1024, "the part of PROCESSOR_ROCKSDB_MEMORY_MB memtables may hold (less than it)");
    public static final List<Setting<?>> SETTINGS = List.of(PROCESSOR_ROCKSDB_MEMORY_MB, PROCESSOR_ROCKSDB_WRITE_BUFFER_MB);

    /** The declared defaults (what the topology tests run with). */
    public static final RocksDbMemory DEFAULTS = new RocksDbMemory(
            Long.parseLong(PROCESSOR_ROCKSDB_MEMORY_MB.defaultText()) * MIB,
            Long.parseLong(PROCESSOR_ROCKSDB_WRITE_BUFFER_MB.defaultText()) * MIB);

    public RocksDbMemory {
        if (writeBufferBytes >= totalBytes) {
            throw new IllegalArgumentException(PROCESSOR_ROCKSDB_WRITE_BUFFER_MB.name() + " (" + writeBufferBytes / MIB
                    + ") must be less than " + PROCESSOR_ROCKSDB_MEMORY_MB.name() + " (" + totalBytes / MIB
                    + "): memtables are charged to the one cache");
        }
    }

    public static RocksDbMemory fromEnv(Env env) {
        return new RocksDbMemory(PROCESSOR_ROCKSDB_MEMORY_MB.read(env) * MIB, PROCESSOR_ROCKSDB_WRITE_BUFFER_MB.read(env) * MIB);
    }
}
