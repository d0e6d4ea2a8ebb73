package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.KeyHolds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link KeyHolds} in a changelogged state store of the persister, committed with the offsets like
 * the fold's state: the head of a held key under the key itself, each waiting event under
 * {@code key SOH offset} (zero-padded, so a prefix scan reads them in order). Keys are well-formed
 * ids, which never contain SOH. A waiting event is its value plus its position, so it fits the
 * record limits of the changelog as its event fits the topic's ({@code Limits.DERIVED_RECORD_FIELDS_BYTES}).
 */
final class StoredHolds implements KeyHolds.Store {
    private static final char SEPARATOR = '\u0001';
    private static final byte[] HEAD_MARKER = {'H'};
    private final KeyValueStore<String, byte[]> store;

    StoredHolds(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public Long head(String key) {
        byte[] head = store.get(key);
        return head == null ? null : Long.parseLong(new String(head, 1, head.length - 1, StandardCharsets.US_ASCII));
    }

    @Override
    public void hold(String key, long headOffset) {
        byte[] offset = Long.toString(headOffset).getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[offset.length + 1];
        value[0] = HEAD_MARKER[0];
        System.arraycopy(offset, 0, value, 1, offset.length);
        store.put(key, value);
    }

    @Override
    public void release(String key) {
        store.delete(key);
    }

    @Override
    public void wait(String key, KeyHolds.Waiting waiting) {
        store.put(waitingKey(key, waiting.position().offset()), encode(waiting));
    }

    @Override
    public List<KeyHolds.Waiting> takeWaiting(String key) {
        List<KeyHolds.Waiting> result = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(key + SEPARATOR, new StringSerializer())) {
            it.forEachRemaining(entry -> {
                keys.add(entry.key);
                result.add(decode(entry.value));
            });
        }
        keys.forEach(store::delete);
        return result;
    }

    private static String waitingKey(String key, long offset) {
        return key + SEPARATOR + String.format("%019d", offset);
    }

    private static byte[] encode(KeyHolds.Waiting waiting) {
        EventPosition p = waiting.position();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                (waiting.value() == null ? 0 : waiting.value().length) + 64 + p.topic().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(p.topic());
            out.writeInt(p.partition());
            out.writeLong(p.offset());
            out.writeLong(p.originalOffset());
            out.writeBoolean(p.redriven());
            out.writeInt(waiting.value() == null ? -1 : waiting.value().length);
            if (waiting.value() != null) {
                out.write(waiting.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static KeyHolds.Waiting decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            EventPosition position = new EventPosition(in.readUTF(), in.readInt(), in.readLong(), in.readLong(),
                    in.readBoolean(), false);
            int length = in.readInt();
            byte[] value = length < 0 ? null : new byte[length];
            if (value != null) {
                in.readFully(value);
            }
            return new KeyHolds.Waiting(position, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
