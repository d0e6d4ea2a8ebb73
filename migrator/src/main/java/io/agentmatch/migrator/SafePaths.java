package io.agentmatch.migrator;

import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.contract.validation.ValidationException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * File names made from ids (profile ids, conversation ids) that can never point outside their
 * folder: the id must be well-formed ({@link ProfileIds}) and the resolved, normalized path must
 * be a direct child of the folder. Writes go to a temporary file in the same folder and are then
 * renamed atomically, so a reader never sees half a file.
 */
public final class SafePaths {
    private SafePaths() {
    }

    /** Thrown for an id that cannot be a file name in {@code dir}; the message says why. */
    public static final class UnsafeIdException extends Exception {
        public UnsafeIdException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code dir/<id><suffix>}, or an exception when the id could escape {@code dir}. */
    public static Path child(Path dir, String id, String suffix) throws UnsafeIdException {
        Path base = dir.toAbsolutePath().normalize();
        try {
            ProfileIds.check("id", id);
        } catch (ValidationException e) {
            throw new UnsafeIdException("unsafe id " + LegacyFiles.quote(String.valueOf(id)) + ": " + e.getMessage());
        }
        Path resolved;
        try {
            resolved = base.resolve(id + suffix).normalize();
        } catch (RuntimeException e) {
            throw new UnsafeIdException("unsafe id " + LegacyFiles.quote(id) + ": not a valid file name");
        }
        if (resolved.getParent() == null || !resolved.getParent().equals(base)
                || !resolved.getFileName().toString().equals(id + suffix)) {
            throw new UnsafeIdException("unsafe id " + LegacyFiles.quote(id) + ": resolves outside " + base);
        }
        return resolved;
    }

    /** Writes {@code bytes} to {@code target} through a temporary file in the same folder and an atomic rename. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, ".export-", ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
