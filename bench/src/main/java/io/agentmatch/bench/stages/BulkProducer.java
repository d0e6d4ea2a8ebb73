package io.agentmatch.bench.stages;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producer the stages fill topics with before they measure (events, projections): acks=all, large lz4 batches. */
final class BulkProducer {
    private BulkProducer() {
    }

    static KafkaProducer<String, byte[]> open(PipelineConfig cfg) {
        return KafkaClients.of(cfg.kafka(), "bench").producer("events")
                .tune(ProducerConfig.LINGER_MS_CONFIG, 10)
                .tune(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
                .tune(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .newProducer(new StringSerializer(), new ByteArraySerializer());
    }
}
