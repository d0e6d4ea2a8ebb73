package io.agentmatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one run: one row per measurement, each next to the limit measured in the same run
 * (when there is one) and the target; printed as a table and written as JSON.
 */
public final class Results {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One measurement.
     *
     * @param limit      what bounds it, measured in the same run ("" when none)
     * @param limitValue the limit's value in the same unit (NaN when none)
     * @param target     the goal, in words ("" when none)
     * @param met        whether the target is met (null: no target)
     */
    public record Row(String stage, String metric, double value, String unit, String limit, double limitValue,
                      String target, Boolean met, String note) {

        /** value / limit, or NaN. */
        public double ratio() {
            return Double.isNaN(limitValue) || limitValue == 0 ? Double.NaN : value / limitValue;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> run = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    public synchronized void info(String key, Object value) {
        run.put(key, value);
    }

    public synchronized Row add(String stage, String metric, double value, String unit) {
        return add(new Row(stage, metric, value, unit, "", Double.NaN, "", null, ""));
    }

    public synchronized Row add(Row row) {
        rows.add(row);
        System.out.println("  " + format(row));
        return row;
    }

    public synchronized void failed(String stage, String reason) {
        failures.put(stage, reason);
        System.out.println("  " + stage + " FAILED: " + reason);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String format(Row row) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-10s %-44s %12s %-8s", row.stage(), row.metric(), number(row.value()), row.unit()));
        if (!row.limit().isEmpty()) {
            s.append(String.format(Locale.ROOT, " | %s %s = %s", row.limit(), number(row.limitValue()),
                    Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.0f%%", row.ratio() * 100)));
        }
        if (!row.target().isEmpty()) {
            s.append(" | target ").append(row.target()).append(row.met() == null ? "" : row.met() ? " MET" : " MISSED");
        }
        if (!row.note().isEmpty()) {
            s.append(" (").append(row.note()).append(')');
        }
        return s.toString();
    }

    /** The table as Markdown, for BENCHMARKS.md. */
    public synchronized String markdown() {
        StringBuilder s = new StringBuilder("| stage | metric | value | unit | limit (same run) | ratio | target | met |\n");
        s.append("|---|---|---:|---|---|---:|---|---|\n");
        for (Row row : rows) {
            s.append("| ").append(row.stage()).append(" | ").append(row.metric())
                    .append(row.note().isEmpty() ? "" : " (" + row.note() + ")").append(" | ")
                    .append(number(row.value())).append(" | ").append(row.unit()).append(" | ")
                    .append(row.limit().isEmpty() ? "" : row.limit() + " " + number(row.limitValue())).append(" | ")
                    .append(Double.isNaN(row.ratio()) ? "" : String.format(Locale.ROOT, "%.0f%%", row.ratio() * 100)).append(" | ")
                    .append(row.target()).append(" | ")
                    .append(row.met() == null ? "" : row.met() ? "yes" : "**no**").append(" |\n");
        }
        failures.forEach((stage, reason) -> s.append("| ").append(stage).append(" | FAILED: ").append(reason.replace('|', '/'))
                .append(" | | | | | | |\n"));
        return s.toString();
    }

    public synchronized void printTable() {
        System.out.println();
        System.out.println("=== results ===");
        rows.forEach(row -> System.out.println(format(row)));
        failures.forEach((stage, reason) -> System.out.println(stage + " FAILED: " + reason));
    }

    public synchronized ObjectNode toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("run", MAPPER.valueToTree(run));
        ArrayNode array = root.putArray("results");
        for (Row row : rows) {
            ObjectNode o = array.addObject();
            o.put("stage", row.stage());
            o.put("metric", row.metric());
            putNumber(o, "value", row.value());
            o.put("unit", row.unit());
            if (!row.limit().isEmpty()) {
                o.put("limit", row.limit());
                putNumber(o, "limitValue", row.limitValue());
                putNumber(o, "ratio", row.ratio());
            }
            if (!row.target().isEmpty()) {
                o.put("target", row.target());
            }
            if (row.met() != null) {
                o.put("met", row.met());
            }
            if (!row.note().isEmpty()) {
                o.put("note", row.note());
            }
        }
        root.set("failures", MAPPER.valueToTree(failures));
        return root;
    }

    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    public synchronized Path write(Path dir, String fileName) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(fileName);
            MAPPER.writeValue(file.toFile(), toJson());
            Path md = dir.resolve(fileName.replaceAll("\\.json$", ".md"));
            Files.writeString(md, markdown());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
