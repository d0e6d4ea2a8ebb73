package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runnable jars carry what the AWS SDK's default credentials chain loads by reflection: without
 * these classes web identity (EKS IRSA), SSO and assume-role profiles fail at run time, never at
 * build time. After {@code package}, hence an integration test.
 */
class RunnableJarsIT {
    private static final List<String> CHAIN_CLASSES = List.of(
            "software/amazon/awssdk/services/sts/internal/StsWebIdentityCredentialsProviderFactory.class",
            "software/amazon/awssdk/services/sts/internal/StsProfileCredentialsProviderFactory.class",
            "software/amazon/awssdk/services/sso/auth/SsoProfileCredentialsProviderFactory.class",
            "software/amazon/awssdk/services/ssooidc/SsoOidcProfileTokenProviderFactory.class",
            "software/amazon/awssdk/services/signin/auth/LoginProfileCredentialsProviderFactory.class");

    @Test
    void processorApiAndMigratorJarsCarryTheCredentialsChainsModules() throws IOException {
        for (String module : List.of("processor", "ingest-api", "migrator")) {
            Path jar = runnableJar(module);
            try (JarFile file = new JarFile(jar.toFile())) {
                List<String> missing = CHAIN_CLASSES.stream().filter(c -> file.getEntry(c) == null).toList();
                assertEquals(List.of(), missing, jar + " lacks classes the credentials chain needs");
            }
        }
    }

    private static Path runnableJar(String module) throws IOException {
        Path target = ConfigurationTableTest.repo().resolve(module).resolve("target");
        assertTrue(Files.isDirectory(target), target + " is missing: package the modules first (./pipeline test builds them)");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + module + "-*-all.jar in " + target
                            + ": package the modules first (./pipeline test builds them)"));
        }
    }
}
