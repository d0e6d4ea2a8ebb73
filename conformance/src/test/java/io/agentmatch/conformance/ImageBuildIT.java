package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code docker build} does with each Dockerfile's build stage, without Docker: the build
 * context a fresh clone sends ({@link BuildContext}: git's files minus {@code .dockerignore}) in an
 * empty folder, the stage's RUN command exactly as written, and then the files the image's
 * {@code COPY --from=build} takes must be there. Only the Maven repository is this machine's (so
 * nothing is downloaded twice); the JDK and Maven are the host's, the image's are 17 and 3.9 too.
 */
class ImageBuildIT {

    @Test
    void eachBuildStageBuildsTheContextOfAFreshCloneAndProducesWhatTheImageCopies() throws Exception {
        Path repo = ConfigurationTableTest.repo();
        for (DockerfileTest.Image image : DockerfileTest.IMAGES) {
            Dockerfile file = Dockerfile.read(image.dockerfile());
            Dockerfile.Stage build = file.stage("build");
            Path context = Files.createTempDirectory("image-context-" + image.module());
            try {
                BuildContext.copy(repo, context);
                List<String> command = new ArrayList<>(List.of("bash", "-c", build.runs().get(0) + localRepository()));
                Path log = repo.resolve("conformance").resolve("target").resolve("image-build-" + image.module() + ".log");
                Files.createDirectories(log.getParent());
                Process process = new ProcessBuilder(command).directory(context.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                assertTrue(process.waitFor(20, TimeUnit.MINUTES), image.module() + ": the build took over 20 minutes");
                assertEquals(0, process.exitValue(), image.module() + ": `" + build.runs().get(0) + "` failed in a fresh build"
                        + " context; see " + log);
                String workdir = build.last("WORKDIR");
                for (Dockerfile.Copy copy : file.runtime().copies()) {
                    for (String source : copy.sources()) {
                        assertTrue(source.startsWith(workdir + "/"), source);
                        Path built = context.resolve(source.substring(workdir.length() + 1));
                        assertTrue(Files.isRegularFile(built), image.module() + ": the image copies " + source
                                + ", which the build stage did not produce");
                    }
                }
            } finally {
                deleteTree(context);
            }
        }
    }

    /** This run's Maven repository, when the build passes it on (conformance's pom): no second download. */
    private static String localRepository() {
        String repository = System.getProperty("maven.repo.local");
        return repository == null || repository.isBlank() ? "" : " -Dmaven.repo.local=" + repository;
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
