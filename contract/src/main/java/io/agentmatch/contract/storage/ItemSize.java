package io.agentmatch.contract.storage;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB's documented item-size arithmetic, so oversized profiles are refused before they reach Kafka. */
public final class ItemSize {
    private ItemSize() {
    }

    public static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (var entry : item.entrySet()) {
            size += utf8(entry.getKey()) + of(entry.getValue());
        }
        return size;
    }

    private static long of(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> (value.n().length() + 1) / 2 + 1;
            case BOOL, NUL -> 1;
            case L -> 3 + value.l().stream().mapToLong(v -> 1 + of(v)).sum();
            case M -> 3 + value.m().entrySet().stream().mapToLong(e -> 1 + utf8(e.getKey()) + of(e.getValue())).sum();
            case SS -> value.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS -> value.ns().stream().mapToLong(n -> (n.length() + 1) / 2 + 1).sum();
            default -> 0;
        };
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
