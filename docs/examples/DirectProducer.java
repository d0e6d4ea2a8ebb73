import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A minimal direct producer of agentmatch profile events, with kafka-clients only (docs/PRODUCERS.md).
 * It creates a profile, then updates it at the version the create made (optimistic concurrency), and
 * prints the profile id and the update's version.
 *
 * <pre>java -cp kafka-clients.jar:. DirectProducer localhost:9092 [agent-profile-events] [client.properties]</pre>
 */
public class DirectProducer {
    private static final DateTimeFormatter LEGACY = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    public static void main(String[] args) throws Exception {
        Properties client = new Properties();
        if (args.length > 2) {
            try (Reader in = Files.newBufferedReader(Path.of(args[2]))) {
                client.load(in); // security settings of your cluster (SASL, TLS), as for Kafka's own tools
            }
        }
        String[] result = run(args.length > 0 ? args[0] : "localhost:9092",
                args.length > 1 ? args[1] : "agent-profile-events", client);
        System.out.println("profile " + result[0] + " updated at version " + result[1]);
    }

    /** The producer's settings: your cluster's client settings, then the ones the contract requires. */
    public static Properties settings(String bootstrapServers, Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Stored means stored: every in-sync replica has it, retries never duplicate nor reorder.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    /** Publishes the two events; returns the profile id and the version the update makes. */
    public static String[] run(String bootstrapServers, String topic, Properties client) throws Exception {
        String id = UUID.randomUUID().toString();
        String created = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS).format(LEGACY);
        try (Producer<String, String> producer = new KafkaProducer<>(settings(bootstrapServers, client))) {
            String data = "{\"name\":\"Dana\",\"address\":\"0xd1\",\"job\":\"Roofer\",\"averagePrice\":55,"
                    + "\"tags\":[\"roofs\",\"gutters\"],\"location\":[\"Hamburg\",\"DE\"],"
                    + "\"description\":\"Leaking roofs and blocked gutters repaired\"}";
            String create = envelope("PROFILE_CREATED", 1, id,
                    "{\"id\":" + quote(id) + ",\"timestamp\":" + quote(created) + ",\"data\":" + data + "}");
            // The key is the profile id: all events of a profile go to one partition, in order.
            RecordMetadata made = producer.send(new ProducerRecord<>(topic, id, create)).get();

            // The profile's version is the offset of the event that made it: update only that version.
            String update = envelope("PROFILE_UPDATED", 2, id, "{\"id\":" + quote(id) + ",\"expectedVersion\":" + made.offset()
                    + ",\"data\":" + data.replace("\"averagePrice\":55", "\"averagePrice\":60") + "}");
            RecordMetadata updated = producer.send(new ProducerRecord<>(topic, id, update)).get();
            return new String[] {id, Long.toString(updated.offset())};
        }
    }

    /** The envelope every event carries; eventId is unique per event (a retry of the same send reuses it). */
    static String envelope(String type, int schemaVersion, String key, String payload) {
        return "{\"eventId\":" + quote(UUID.randomUUID().toString()) + ",\"type\":" + quote(type)
                + ",\"schemaVersion\":" + schemaVersion + ",\"occurredAt\":" + quote(java.time.Instant.now().toString())
                + ",\"source\":\"API\",\"key\":" + quote(key) + ",\"payload\":" + payload + "}";
    }

    /** A JSON string (this example's values need no escapes beyond these). */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
