package io.agentmatch.migrator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.contract.validation.ProfileValidator;
import io.agentmatch.contract.validation.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads and validates one legacy profile file ({@code json_storage/<id>.json}). Every failure has a
 * reason that names what is wrong; nothing here throws for bad input.
 */
public final class LegacyFiles {
    /**
     * Files above this size are refused before parsing (a real profile is a few hundred bytes); what
     * decides for the rest is the same check as the API's ({@link ProfileValidator#validateSubmission}):
     * DynamoDB's rules, nesting ({@link Limits#MAX_LEGACY_FILE_DEPTH} levels for the file) and the event size.
     */
    public static final long MAX_FILE_BYTES = Limits.MAX_LEGACY_FILE_BYTES;
    public static final String GLOB = "*.json";

    private LegacyFiles() {
    }

    /** The outcome of checking one file. */
    public sealed interface Check permits Valid, Invalid, NotAFile {
        Path path();

        default String fileName() {
            return path().getFileName().toString();
        }
    }

    public record Valid(Path path, ProfileRecord record) implements Check {
    }

    public record Invalid(Path path, String reason) implements Check {
    }

    /** A directory (or other non-regular entry) named like a profile: not a profile, ignored. */
    public record NotAFile(Path path) implements Check {
    }

    /** Opens the folder's {@code *.json} entries lazily (never the whole listing in memory). */
    public static DirectoryStream<Path> list(Path dir) throws IOException {
        return Files.newDirectoryStream(dir, GLOB);
    }

    /** Counts the {@code *.json} entries without keeping them, for progress ETA. */
    public static long count(Path dir) throws IOException {
        long n = 0;
        try (DirectoryStream<Path> entries = list(dir)) {
            for (Path ignored : entries) {
                n++;
            }
        }
        return n;
    }

    public static String idOf(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    public static Check check(Path path) {
        return check(path, MAX_FILE_BYTES);
    }

    public static Check check(Path path, long maxBytes) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return new Invalid(path, "unreadable: the file disappeared while the folder was read");
        } catch (IOException e) {
            return new Invalid(path, "unreadable: " + describe(e));
        }
        if (!attributes.isRegularFile()) {
            return new NotAFile(path);
        }
        if (attributes.size() > maxBytes) {
            return new Invalid(path, "too large: " + attributes.size() + " bytes, the limit is " + maxBytes
                    + " bytes; not parsed");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) maxBytes + 1);
        } catch (IOException e) {
            return new Invalid(path, "unreadable: " + describe(e));
        }
        if (bytes.length > maxBytes) {
            return new Invalid(path, "too large: more than " + maxBytes + " bytes; not parsed");
        }
        return check(path, bytes);
    }

    /** Validates file content; {@code path} gives the expected id (the file name without {@code .json}). */
    public static Check check(Path path, byte[] bytes) {
        if (isBlank(bytes)) {
            return new Invalid(path, "not JSON: the file is empty");
        }
        JsonNode root;
        try {
            root = JsonCodec.readUntrusted(bytes);
        } catch (JsonCodec.InvalidJsonException e) {
            return new Invalid(path, "not JSON: the file " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return new Invalid(path, "not JSON: no content");
        }
        if (!root.isObject()) {
            return new Invalid(path, "not a JSON object: the top level is " + kind(root));
        }
        JsonNode id = root.get("id");
        if (id == null || !id.isTextual()) {
            return new Invalid(path, "id: " + (id == null ? "missing" : "must be a string, got " + kind(id)));
        }
        JsonNode timestamp = root.get("timestamp");
        if (timestamp == null || !timestamp.isTextual()) {
            return new Invalid(path, "timestamp: "
                    + (timestamp == null ? "missing" : "must be a string, got " + kind(timestamp)));
        }
        try {
            ProfileIds.check("id", id.textValue());
        } catch (ValidationException e) {
            return new Invalid(path, "malformed id " + quote(id.textValue()) + ": " + e.getMessage());
        }
        String expected = idOf(path);
        if (!id.textValue().equals(expected)) {
            return new Invalid(path, "id " + quote(id.textValue()) + " does not match the file name (expected "
                    + quote(expected) + ")");
        }
        JsonNode data = root.get("data");
        if (!(data instanceof ObjectNode)) {
            return new Invalid(path, "data: " + (data == null ? "missing" : "must be a JSON object, got " + kind(data)));
        }
        ProfileRecord record = ProfileRecord.fromJson(root);
        try {
            ProfileValidator.validateSubmission(record);
        } catch (ValidationException e) {
            return new Invalid(path, "invalid profile: " + e.getMessage());
        }
        return new Valid(path, record);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
