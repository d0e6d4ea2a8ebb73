package io.agentmatch.contract.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde for {@link EventEnvelope}. Deserialization failures surface as {@link UncheckedIOException}. */
public final class EventSerde implements Serde<EventEnvelope> {

    public static EventEnvelope parse(byte[] bytes) throws IOException {
        if (bytes == null) {
            throw new IOException("empty record value");
        }
        try {
            return JsonCodec.MAPPER.readValue(bytes, EventEnvelope.class);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Serializer<EventEnvelope> serializer() {
        return (topic, event) -> event == null ? null : JsonCodec.toBytes(event);
    }

    @Override
    public Deserializer<EventEnvelope> deserializer() {
        return (topic, bytes) -> {
            try {
                return parse(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
