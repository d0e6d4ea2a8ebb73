package io.agentmatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What dynalite needs before it starts: installed, its data folder, and the preload that keeps it up. */
final class DynaliteSetup {
    /**
     * dynalite rethrows a request's 'error' event: a client that disconnects mid-request (a processor
     * killed with SIGKILL while its writes are in flight) takes the whole server down with
     * "Error: aborted" (ECONNRESET). This preload ignores exactly that; anything else still exits.
     */
    private static final String KEEP_ALIVE = """
            process.on('uncaughtException', function (err) {
              if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
                console.error('dynalite: a client went away mid-request (' + err.message + '); still serving');
                return;
              }
              console.error(err && err.stack ? err.stack : err);
              process.exit(1);
            });
            """;

    private DynaliteSetup() {
    }

    static Path keepAliveScript(Path home) {
        return home.resolve("run").resolve("dynalite-keep-alive.js");
    }

    static void prepare(RepositoryLayout layout, Path home) {
        if (!Files.isRegularFile(layout.dynaliteCli())) {
            throw new IllegalStateException("dynalite is not installed: run `npm ci --prefix "
                    + layout.repo().resolve("local-stack") + "` (./pipeline up and ./pipeline test do it)");
        }
        try {
            Files.createDirectories(home.resolve("run"));
            Files.writeString(keepAliveScript(home), KEEP_ALIVE);
            Files.createDirectories(home.resolve("data").resolve("dynalite"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
