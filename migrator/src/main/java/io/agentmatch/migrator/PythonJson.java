package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON exactly as the legacy server did: Python's {@code json.dump(obj, f, indent=2,
 * ensure_ascii=False)}. Two-space indent, {@code "key": value}, {@code ","} at line ends, empty
 * containers as {@code []} / {@code {}}, non-ASCII characters as they are, control characters as
 * {@code \\uXXXX} (lowercase hex), no trailing newline. Non-integral numbers are spelled like
 * Python's float repr ({@code 40.0}, {@code 179.26}, {@code 1e-05}, {@code 1.5e+16}) from their
 * exact decimal digits, so an unchanged file comes back byte for byte.
 */
public final class PythonJson {
    private PythonJson() {
    }

    public static byte[] toBytes(JsonNode node) {
        return toString(node).getBytes(StandardCharsets.UTF_8);
    }

    public static String toString(JsonNode node) {
        StringBuilder out = new StringBuilder(1024);
        write(node, 0, out);
        return out.toString();
    }

    private static void write(JsonNode node, int depth, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                if (node.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                boolean first = true;
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    out.append(first ? "\n" : ",\n");
                    first = false;
                    indent(depth + 1, out);
                    string(field.getKey(), out);
                    out.append(": ");
                    write(field.getValue(), depth + 1, out);
                }
                out.append('\n');
                indent(depth, out);
                out.append('}');
            }
            case ARRAY -> {
                if (node.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n");
                    indent(depth + 1, out);
                    write(node.get(i), depth + 1, out);
                }
                out.append('\n');
                indent(depth, out);
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> out.append(number(node));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            default -> out.append("null");
        }
    }

    private static void indent(int depth, StringBuilder out) {
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    /** Python's {@code json} string encoding with {@code ensure_ascii=False}. */
    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    static String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
        }
        return pythonFloat(node.decimalValue());
    }

    /**
     * Python's float repr of a decimal that already has its shortest digits: fixed notation with at
     * least one fractional digit when the decimal exponent is in [-4, 16), otherwise
     * {@code d.ddde[+-]XX}.
     */
    static String pythonFloat(BigDecimal value) {
        if (value.signum() == 0) {
            return "0.0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - stripped.scale();
        String sign = stripped.signum() < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = stripped.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        StringBuilder out = new StringBuilder(sign).append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            out.append('0');
        }
        return out.append(abs).toString();
    }
}
