package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Seeded, reproducible broken legacy files (and a few valid ones as a control) for the migrator:
 * every broken file must be reported with a reason by {@code migrate --dry-run} and by
 * {@code migrate}, none may stop the run, and none may be published (so none can reach the
 * processor as a poison event).
 */
public final class LegacyFuzzer {
    /** The generated folder: which files are broken (by file name, with what was done to them) and which are valid. */
    public record Corpus(Path dir, Map<String, String> broken, Set<String> validIds) {
    }

    /** The outcome of one migrate run over the corpus. */
    public record Outcome(int exitCode, long seen, long skipped, long publishedOrValid, List<String> problems) {
    }

    private static final java.util.regex.Pattern STACK_TRACE = java.util.regex.Pattern.compile("(\\tat |Exception:|\\.java:\\d+\\))");
    private final Random random;

    public LegacyFuzzer(long seed) {
        this.random = new Random(seed);
    }

    public Corpus generate(Path dir, int brokenCount, int validCount) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> broken = new LinkedHashMap<>();
        for (int i = 0; i < brokenCount; i++) {
            String id = UUID.nameUUIDFromBytes(("broken-" + i + "-" + random.nextLong()).getBytes(StandardCharsets.UTF_8)).toString();
            int kind = random.nextInt(17);
            String fileId = id;
            byte[] content;
            String what;
            String valid = validJson(id, "2024-01-01T10:00:00.000001", "\"name\":\"Valid\",\"job\":\"Plumber\"");
            switch (kind) {
                case 0 -> { what = "empty"; content = pick("", " ", "\n\n", "\t").getBytes(StandardCharsets.UTF_8); }
                case 1 -> { what = "truncated"; content = valid.substring(0, 1 + random.nextInt(valid.length() - 2)).getBytes(StandardCharsets.UTF_8); }
                case 2 -> { what = "random bytes"; content = new byte[1 + random.nextInt(500)]; random.nextBytes(content);
                    content[0] = (byte) '~'; }
                case 3 -> { what = "not an object"; content = pick("[]", "[" + valid + "]", "\"" + id + "\"", "null", "42", "true")
                        .getBytes(StandardCharsets.UTF_8); }
                case 4 -> { what = "id missing or not a string"; content = ("{" + pick("", "\"id\":42,", "\"id\":null,", "\"id\":[\"" + id + "\"],",
                        "\"id\":{\"v\":1},") + "\"timestamp\":\"2024-01-01T10:00:00.000001\",\"data\":{}}").getBytes(StandardCharsets.UTF_8); }
                case 5 -> { what = "id does not match the file name"; content = validJson(new UUID(random.nextLong(), random.nextLong()).toString(),
                        "2024-01-01T10:00:00.000001", "").getBytes(StandardCharsets.UTF_8); }
                case 6 -> {
                    what = "hostile id";
                    String hostile = pick("../../etc/passwd", "/abs/path", "..", ".", "a/b", "a\\\\b", "a\\u0000b", "x".repeat(300),
                            "", " ", "a\\nb", "\\u202e", "C:\\\\Windows", "%2e%2e%2f");
                    content = validJson(hostile, "2024-01-01T10:00:00.000001", "").getBytes(StandardCharsets.UTF_8);
                    fileId = pick(id, "..", " ", "a b", "x".repeat(200), "%2e%2e", "\u202eevil", "back\\slash", "new\nline");
                }
                case 7 -> { what = "bad timestamp"; content = ("{\"id\":\"" + id + "\"," + pick("", "\"timestamp\":null,", "\"timestamp\":1700000000,",
                        "\"timestamp\":\"\",", "\"timestamp\":\"" + "9".repeat(100) + "\",", "\"timestamp\":[],") + "\"data\":{}}")
                        .getBytes(StandardCharsets.UTF_8); }
                case 8 -> { what = "data not an object"; content = ("{\"id\":\"" + id + "\",\"timestamp\":\"2024-01-01T10:00:00.000001\""
                        + pick("", ",\"data\":null", ",\"data\":[]", ",\"data\":\"x\"", ",\"data\":7") + "}").getBytes(StandardCharsets.UTF_8); }
                case 9 -> { what = "wrong field types"; content = validJson(id, "2024-01-01T10:00:00.000001", pick("\"name\":42",
                        "\"tags\":\"plumbing\"", "\"tags\":[1,2]", "\"location\":{\"city\":\"x\"}", "\"averagePrice\":\"12\"",
                        "\"job\":[\"a\"]", "\"description\":{}", "\"address\":true", "\"location\":[null]"))
                        .getBytes(StandardCharsets.UTF_8); }
                case 10 -> { what = "huge numbers"; content = validJson(id, "2024-01-01T10:00:00.000001", "\"averagePrice\":" + pick(
                        "1e400", "-1e400", "1" + "0".repeat(130), "1.0000000000000000000000000000000000000001", "1e-200",
                        "9".repeat(70), "NaN", "Infinity")).getBytes(StandardCharsets.UTF_8); }
                case 11 -> {
                    what = "deep nesting";
                    int depth = new int[] {40, 200, 5_000, 100_000}[random.nextInt(4)];
                    content = validJson(id, "2024-01-01T10:00:00.000001", "\"extra\":" + "[".repeat(depth) + "]".repeat(depth))
                            .getBytes(StandardCharsets.UTF_8);
                }
                case 12 -> {
                    what = "invalid UTF-8";
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(("{\"id\":\"" + id + "\",\"timestamp\":\"2024-01-01T10:00:00.000001\",\"data\":{\"name\":\"")
                            .getBytes(StandardCharsets.UTF_8));
                    out.writeBytes(pick(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                            new byte[] {(byte) 0xC0, (byte) 0xAF}));
                    out.writeBytes("\"}}".getBytes(StandardCharsets.UTF_8));
                    content = out.toByteArray();
                }
                case 13 -> {
                    what = random.nextInt(10) == 0 ? "file too large" : "item too large for DynamoDB";
                    int size = what.startsWith("file") ? 1_100_000 : 420_000 + random.nextInt(100_000);
                    content = validJson(id, "2024-01-01T10:00:00.000001", "\"description\":\"" + "d".repeat(size) + "\"")
                            .getBytes(StandardCharsets.UTF_8);
                }
                case 14 -> { what = "trailing garbage"; content = (valid + pick(" x", "}", ",{}", " " + valid)).getBytes(StandardCharsets.UTF_8); }
                case 15 -> { what = "not strict JSON"; content = pick(valid.replace("\"", "'"), "// comment\n" + valid,
                        valid.replace("}", ",}"), valid.replace("\"name\"", "name")).getBytes(StandardCharsets.UTF_8); }
                default -> { what = "invalid number in nested data"; content = validJson(id, "2024-01-01T10:00:00.000001",
                        "\"meta\":{\"scores\":[1, 2, 1e999]}").getBytes(StandardCharsets.UTF_8); }
            }
            String fileName = fileId + ".json";
            if (broken.containsKey(fileName)) {
                fileName = id + ".json";
                if (what.equals("hostile id")) {
                    // keep the hostile content under a fresh, safe file name
                }
            }
            Files.write(dir.resolve(fileName), content);
            broken.put(fileName, what);
        }
        Set<String> validIds = new HashSet<>();
        for (int i = 0; i < validCount; i++) {
            String id = UUID.nameUUIDFromBytes(("valid-" + i + "-" + random.nextLong()).getBytes(StandardCharsets.UTF_8)).toString();
            Files.writeString(dir.resolve(id + ".json"), validJson(id, "2024-02-02T10:00:00.000001",
                    "\"name\":\"Control " + i + "\",\"job\":\"Plumber\",\"averagePrice\":10.5,\"tags\":[\"a\"],\"location\":[\"Berlin\",\"DE\"]"));
            validIds.add(id);
        }
        return new Corpus(dir, broken, validIds);
    }

    private static String validJson(String id, String timestamp, String dataFields) {
        return "{\"id\": \"" + id + "\", \"timestamp\": \"" + timestamp + "\", \"data\": {" + dataFields + "}}";
    }

    /** Runs migrate (or --dry-run) over the corpus and checks its report against what was generated. */
    public static Outcome migrate(Faults faults, Corpus corpus, boolean dryRun, Path report) throws IOException {
        List<String> args = new ArrayList<>(List.of("migrate", "--source", corpus.dir().toString(), "--report", report.toString()));
        if (dryRun) {
            args.add("--dry-run");
        }
        int exit;
        List<String> problems = new ArrayList<>();
        try {
            exit = faults.migrator(args.toArray(String[]::new));
        } catch (IOException | InterruptedException e) {
            problems.add("migrate could not be run: " + e);
            return new Outcome(-1, 0, 0, 0, problems);
        }
        if (exit != 3) {
            problems.add("migrate" + (dryRun ? " --dry-run" : "") + " exited with " + exit + ", expected 3 (done, some files skipped)");
        }
        if (!Files.exists(report)) {
            problems.add("no report written");
            return new Outcome(exit, 0, 0, 0, problems);
        }
        JsonNode json = JsonCodec.readTree(Files.readAllBytes(report));
        JsonNode counts = json.get("counts");
        Map<String, String> reasons = new LinkedHashMap<>();
        json.get("skipped").forEach(entry -> reasons.put(entry.path("file").asText(), entry.path("reason").asText()));
        for (var file : corpus.broken().entrySet()) {
            String reason = reasons.get(file.getKey());
            if (reason == null || reason.isBlank()) {
                if (problems.size() < 20) {
                    problems.add("broken file " + LegacyFuzzer.quote(file.getKey()) + " (" + file.getValue() + ") is not reported as skipped");
                }
            } else if (STACK_TRACE.matcher(reason).find() && problems.size() < 20) {
                problems.add("reason for " + LegacyFuzzer.quote(file.getKey()) + " is a stack trace: " + reason);
            }
        }
        long ok = dryRun ? counts.path("valid").asLong() : counts.path("published").asLong() + counts.path("unchanged").asLong();
        if (ok != corpus.validIds().size()) {
            problems.add((dryRun ? "valid" : "published") + " = " + ok + ", expected the " + corpus.validIds().size() + " control files");
        }
        if (counts.path("failed").asLong() != 0 || json.has("fatalError")) {
            problems.add("failures in the run: " + json.path("fatalError").asText(counts.path("failed").asText()));
        }
        return new Outcome(exit, counts.path("seen").asLong(), counts.path("skipped").asLong(), ok, problems);
    }

    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "'" + shown.replace("\n", "\\n") + "'";
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
