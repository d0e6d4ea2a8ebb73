package io.agentmatch.contract.events;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Where an event stands in the log: its topic, partition and offset, and, when it was redriven from
 * the dead-letter topic ({@code redrive.*} headers, written by {@code migrator dead-letters redrive}),
 * where it first stood. Its {@link #position()} is that original offset: the place the fold applies it
 * at, so that a redriven event never counts as newer than the events that followed it.
 *
 * @param originalOffset the offset the record first had in this partition (= offset unless redriven)
 * @param redriven       whether the record is a redriven copy of a dead letter of this partition
 * @param discard        a redrive that asks to drop the held event instead of applying it
 */
public record EventPosition(String topic, int partition, long offset, long originalOffset, boolean redriven,
                            boolean discard) {

    public static EventPosition of(String topic, int partition, long offset) {
        return new EventPosition(topic, partition, offset, offset, false, false);
    }

    /**
     * The record's position, reading the redrive headers ({@code header} answers a header's last
     * value, or null). A redrive from another topic or partition (partitions added since) is no
     * redrive of this partition: the record takes its own offset.
     */
    public static EventPosition of(String topic, int partition, long offset, Function<String, byte[]> header) {
        String fromTopic = text(header.apply(Topics.HEADER_REDRIVE_TOPIC));
        String fromPartition = text(header.apply(Topics.HEADER_REDRIVE_PARTITION));
        String fromOffset = text(header.apply(Topics.HEADER_REDRIVE_OFFSET));
        if (fromTopic == null || fromPartition == null || fromOffset == null) {
            return of(topic, partition, offset);
        }
        boolean discard = Topics.REDRIVE_DISCARD.equals(text(header.apply(Topics.HEADER_REDRIVE_ACTION)));
        try {
            long original = Long.parseLong(fromOffset.trim());
            if (fromTopic.equals(topic) && Integer.parseInt(fromPartition.trim()) == partition && original >= 0
                    && original <= offset) {
                return new EventPosition(topic, partition, offset, original, true, discard);
            }
        } catch (NumberFormatException e) {
            // not a redrive this reader can place
        }
        return new EventPosition(topic, partition, offset, offset, false, discard);
    }

    /** The offset the fold applies the event at (its version, when it makes a state). */
    public long position() {
        return originalOffset;
    }

    /** Whether this record is the redriven copy of the event that first stood at {@code heldOffset}. */
    public boolean isRedriveOf(long heldOffset) {
        return redriven && originalOffset == heldOffset;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
