package io.agentmatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the stack finds what the build produced in the repository: the runnable jars, the broker's
 * classpath ({@code local-stack/target/kafka-libs}) and dynalite ({@code local-stack/node_modules}).
 */
public record RepositoryLayout(Path repo) {
    public RepositoryLayout {
        repo = repo.toAbsolutePath().normalize();
    }

    /** The repository root: {@code -Dpipeline.repo}, else the nearest folder up from here holding {@code local-stack/package.json}. */
    public static Path findRepoRoot() {
        String explicit = System.getProperty("pipeline.repo");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("local-stack").resolve("package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder holding local-stack/package.json) above "
                + Path.of("").toAbsolutePath());
    }

    /** The broker's classpath, assembled by the local-stack build. */
    public Path kafkaLibs() {
        return repo.resolve("local-stack").resolve("target").resolve("kafka-libs");
    }

    public Path dynaliteCli() {
        return repo.resolve("local-stack").resolve("node_modules").resolve("dynalite").resolve("cli.js");
    }

    /** The runnable jar of a module: {@code <module>/target/<module>-*-all.jar}, or where it would be. */
    public Path jar(String module) {
        Path target = repo.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                var found = files.filter(p -> p.getFileName().toString().startsWith(module + "-")
                        && p.getFileName().toString().endsWith("-all.jar")).sorted(Comparator.reverseOrder()).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return target.resolve(module + "-1.0.0-SNAPSHOT-all.jar");
    }

    /** The java of this JVM: children run on the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
