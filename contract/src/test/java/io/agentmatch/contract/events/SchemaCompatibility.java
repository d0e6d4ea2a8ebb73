package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a schema still accepts everything its released version accepted, and still defines every
 * field the released one did: the backward compatibility the event topics need (a consumer reads every
 * event ever written). The two schemas are walked side by side, keyword by keyword; what is reported:
 * <ul>
 *   <li>a required field added;</li>
 *   <li>a type narrowed ({@code type} losing a type, or appearing where any type was allowed);</li>
 *   <li>an enum value removed, an enum or const appearing or a const changed;</li>
 *   <li>a bound tightened: max* lowered or appearing, min* raised or appearing;</li>
 *   <li>a pattern changed or appearing; {@code additionalProperties: false} appearing;</li>
 *   <li>a property, a {@code $defs} entry or a {@code prefixItems} entry removed (old events carry it,
 *       or other schemas refer to it);</li>
 *   <li>a {@code $ref} retargeted, and any change to a keyword this checker cannot judge
 *       ({@code not}, {@code if}/{@code then}/{@code else}, {@code oneOf}/{@code anyOf}, ...): to be
 *       looked at by a person, so reported too.</li>
 * </ul>
 * Subschemas are compared where both have them ({@code properties}, {@code items}, {@code prefixItems},
 * {@code additionalProperties}, {@code $defs}, {@code allOf}); a {@code $ref} is compared as a
 * reference (the file or definition it names is compared on its own). Annotations ({@code title},
 * {@code description}, {@code examples}, {@code $comment}) may change freely.
 */
final class SchemaCompatibility {
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "$comment", "default",
            "deprecated", "readOnly", "writeOnly", "$schema", "contentEncoding", "contentMediaType");
    private static final Set<String> UPPER = Set.of("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum");
    private static final Set<String> LOWER = Set.of("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum");
    private static final Set<String> HANDLED = Set.of("type", "required", "enum", "const", "pattern", "properties",
            "additionalProperties", "items", "prefixItems", "$defs", "allOf", "$ref");

    private SchemaCompatibility() {
    }

    /** Every backward-incompatible difference of {@code current} from {@code released}, with its JSON pointer. */
    static List<String> breaks(JsonNode released, JsonNode current) {
        List<String> problems = new ArrayList<>();
        compare(released, current, "", problems);
        return problems;
    }

    private static void compare(JsonNode old, JsonNode now, String at, List<String> problems) {
        if (old.isBoolean() || now.isBoolean()) {
            if (!(now.isBoolean() && now.booleanValue()) && !old.equals(now)) {
                problems.add(at + ": " + old + " became " + now);
            }
            return;
        }
        Set<String> keywords = new TreeSet<>();
        old.fieldNames().forEachRemaining(keywords::add);
        now.fieldNames().forEachRemaining(keywords::add);
        for (String keyword : keywords) {
            if (ANNOTATIONS.contains(keyword) || keyword.startsWith("x-")) {
                continue;
            }
            JsonNode o = old.get(keyword);
            JsonNode n = now.get(keyword);
            String path = at + "/" + keyword;
            if (UPPER.contains(keyword)) {
                if (n != null && (o == null || decimal(n).compareTo(decimal(o)) < 0)) {
                    problems.add(path + ": tightened from " + (o == null ? "none" : o) + " to " + n);
                }
            } else if (LOWER.contains(keyword)) {
                if (n != null && (o == null || decimal(n).compareTo(decimal(o)) > 0)) {
                    problems.add(path + ": tightened from " + (o == null ? "none" : o) + " to " + n);
                }
            } else if (HANDLED.contains(keyword)) {
                compareKeyword(keyword, o, n, path, problems);
            } else if (o == null ? n != null : !o.equals(n)) {
                problems.add(path + ": changed (" + o + " -> " + n + "); this checker cannot judge it, a person must");
            }
        }
    }

    private static void compareKeyword(String keyword, JsonNode o, JsonNode n, String path, List<String> problems) {
        switch (keyword) {
            case "type" -> {
                if (n != null && (o == null || !types(n).containsAll(types(o)))) {
                    problems.add(path + ": narrowed from " + (o == null ? "any" : types(o)) + " to " + types(n));
                }
            }
            case "required" -> {
                Set<String> added = strings(n);
                added.removeAll(strings(o));
                if (!added.isEmpty()) {
                    problems.add(path + ": required field(s) added " + added);
                }
            }
            case "enum" -> {
                if (n != null && o == null) {
                    problems.add(path + ": an enum appeared " + n);
                } else if (n != null) {
                    Set<String> removed = strings(o);
                    removed.removeAll(strings(n));
                    if (!removed.isEmpty()) {
                        problems.add(path + ": enum value(s) removed " + removed);
                    }
                }
            }
            case "const", "pattern", "$ref" -> {
                if (n != null && !n.equals(o)) {
                    problems.add(path + ": " + (o == null ? "appeared: " + n : "changed from " + o + " to " + n));
                }
            }
            case "additionalProperties" -> {
                if (n != null && o == null) {
                    if (!(n.isBoolean() && n.booleanValue())) {
                        compare(com.fasterxml.jackson.databind.node.BooleanNode.TRUE, n, path, problems);
                    }
                } else if (n != null) {
                    compare(o, n, path, problems);
                }
            }
            case "properties", "$defs" -> {
                if (o != null) {
                    o.fields().forEachRemaining(e -> {
                        JsonNode counterpart = n == null ? null : n.get(e.getKey());
                        if (counterpart == null) {
                            problems.add(path + "/" + e.getKey() + ": removed (events written before carry it)");
                        } else {
                            compare(e.getValue(), counterpart, path + "/" + e.getKey(), problems);
                        }
                    });
                }
            }
            case "items" -> {
                if (n != null) {
                    compare(o == null ? com.fasterxml.jackson.databind.node.BooleanNode.TRUE : o, n, path, problems);
                }
            }
            case "prefixItems", "allOf" -> {
                int oldSize = o == null ? 0 : o.size();
                int newSize = n == null ? 0 : n.size();
                if (keyword.equals("prefixItems") && newSize < oldSize) {
                    problems.add(path + ": entries removed");
                }
                if (keyword.equals("allOf") && newSize > oldSize) {
                    problems.add(path + ": a subschema was added to allOf; this checker cannot judge it, a person must");
                }
                for (int i = 0; i < Math.min(oldSize, newSize); i++) {
                    compare(o.get(i), n.get(i), path + "/" + i, problems);
                }
                if (keyword.equals("prefixItems")) {
                    for (int i = oldSize; i < newSize; i++) {
                        compare(com.fasterxml.jackson.databind.node.BooleanNode.TRUE, n.get(i), path + "/" + i, problems);
                    }
                }
            }
            default -> throw new IllegalStateException(keyword);
        }
    }

    private static Set<String> types(JsonNode type) {
        Set<String> types = strings(type);
        if (types.contains("number")) {
            types.add("integer");
        }
        return types;
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new TreeSet<>();
        if (node == null) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        } else {
            values.add(node.isTextual() ? node.asText() : node.toString());
        }
        return values;
    }

    private static BigDecimal decimal(JsonNode node) {
        return new BigDecimal(node.asText());
    }
}
