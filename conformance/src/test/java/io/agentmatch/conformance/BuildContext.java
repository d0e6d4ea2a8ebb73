package io.agentmatch.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code docker build .} sends from a fresh clone: the files git has (tracked, and new ones
 * not ignored, so that uncommitted work is judged too), minus what {@code .dockerignore} leaves out.
 */
final class BuildContext {
    private BuildContext() {
    }

    static List<String> files(Path repo) throws IOException {
        DockerIgnore ignore = DockerIgnore.read(repo.resolve(".dockerignore"));
        return gitFiles(repo).stream().filter(path -> !ignore.excludes(path)).filter(path -> Files.exists(repo.resolve(path)))
                .sorted().toList();
    }

    /** A copy of the build context in {@code target}. */
    static void copy(Path repo, Path target) throws IOException {
        for (String path : files(repo)) {
            Path to = target.resolve(path);
            Files.createDirectories(to.getParent());
            Files.copy(repo.resolve(path), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static List<String> gitFiles(Path repo) throws IOException {
        Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(repo.toFile()).redirectErrorStream(false).start();
        byte[] out = git.getInputStream().readAllBytes();
        try {
            if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                throw new IllegalStateException("git ls-files failed in " + repo + ": "
                        + new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
        return Arrays.stream(new String(out, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty()).toList();
    }
}
