package io.agentmatch.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The security of a local broker started with {@code LOCAL_KAFKA_SECURITY=sasl_ssl}, all of it
 * generated at the first start of a home and kept in it (nothing downloaded):
 * <pre>
 * &lt;home&gt;/kafka/security/   rwx------  secrets.properties (every password), ca.p12 (the CA's key),
 *                                       broker.p12 (the broker's key and certificate), ca.pem, format.log
 * &lt;home&gt;/kafka-clients/    rwx------  api|processor|migrator|admin.properties (rw-------), ca.pem
 * </pre>
 * Listeners, all on 127.0.0.1:
 * <ul>
 *   <li>{@code CLIENT}: SASL_SSL with SCRAM-SHA-512 only. Every client authenticates as its own
 *       principal; the broker also uses it to reach itself (transaction markers), as
 *       {@code User:broker}, whose password only {@code server.properties} (rw-------) holds.</li>
 *   <li>{@code CONTROLLER}: SSL with client certificates required, so only a holder of a key
 *       signed by this home's CA, i.e. the broker ({@code User:CN=agentmatch-broker}), gets in.
 *       KRaft controllers cannot authenticate SCRAM (the credentials live in the metadata they
 *       serve), hence mutual TLS there.</li>
 * </ul>
 * The SCRAM credentials are written into the metadata log when the storage is formatted
 * ({@code kafka-storage format --add-scram}), so they exist before the broker first starts; the
 * passwords never appear on a command line (the format arguments go through a rw------- argument
 * file, keytool reads its passwords from the environment). Super users: the broker (either
 * listener) and the stack's {@code admin}; every component principal holds only the ACLs of
 * {@link ComponentAcls}.
 */
public final class SecureBroker {
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String ADMIN = "admin";
    /** The principals whose client properties files the stack writes: one per component, and the stack's admin. */
    public static final List<String> CLIENT_PRINCIPALS = List.of("api", "processor", "migrator", ADMIN);
    static final String BROKER_USER = "broker";
    static final String BROKER_DN = "CN=agentmatch-broker";
    static final String SUPER_USERS = "User:" + BROKER_USER + ";User:" + BROKER_DN + ";User:" + ADMIN;
    private static final String FORMATTED_MARKER = "agentmatch-scram-credentials";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private final Path home;

    public SecureBroker(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    public Path securityDir() {
        return home.resolve("kafka").resolve("security");
    }

    public static Path clientsDir(Path home) {
        return home.toAbsolutePath().normalize().resolve("kafka-clients");
    }

    /** {@code <home>/kafka-clients/<principal>.properties}: complete client properties, usable by any Kafka client. */
    public static Path clientFile(Path home, String principal) {
        return clientsDir(home).resolve(principal + ".properties");
    }

    /**
     * Everything the broker and its clients need, before the broker starts: passwords (kept), the CA
     * and the broker's certificate (kept), the client files (rewritten: the port may have changed).
     *
     * @param formatted whether the broker's storage already exists (then its credentials must be the kept ones)
     */
    public void prepare(StackState state, boolean formatted) {
        OwnerOnly.directory(securityDir());
        Map<String, String> secrets = secrets(formatted);
        if (!Files.isRegularFile(securityDir().resolve("broker.p12")) || !Files.isRegularFile(securityDir().resolve("ca.pem"))) {
            generateCertificates(secrets);
        }
        writeClientFiles(state, secrets);
    }

    /** The broker settings that replace the plaintext listener (see the class comment). */
    public Map<String, String> brokerProperties(StackState state) {
        Map<String, String> secrets = readSecrets();
        Path security = securityDir();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("listeners", "CLIENT://127.0.0.1:" + state.kafkaPort() + ",CONTROLLER://127.0.0.1:" + state.controllerPort());
        props.put("advertised.listeners", "CLIENT://127.0.0.1:" + state.kafkaPort());
        props.put("inter.broker.listener.name", "CLIENT");
        props.put("listener.security.protocol.map", "CLIENT:SASL_SSL,CONTROLLER:SSL");
        props.put("sasl.enabled.mechanisms", MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.put("listener.name.client.scram-sha-512.sasl.jaas.config", jaas(BROKER_USER, secrets.get(passwordKey(BROKER_USER))));
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", security.resolve("broker.p12").toString());
        props.put("ssl.keystore.password", secrets.get("keystore.password"));
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", security.resolve("ca.pem").toString());
        props.put("listener.name.controller.ssl.client.auth", "required");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", SUPER_USERS);
        props.put("allow.everyone.if.no.acl.found", "false");
        return props;
    }

    /** The storage tool's arguments that create every principal's SCRAM credential (secrets: for an argument file only). */
    public List<String> scramArguments() {
        Map<String, String> secrets = readSecrets();
        List<String> args = new ArrayList<>();
        for (String user : users()) {
            args.add("--add-scram");
            args.add(MECHANISM + "=[name=" + user + ",password=" + secrets.get(passwordKey(user)) + "]");
        }
        return args;
    }

    /** Whether the storage in {@code data} was formatted with this home's SCRAM credentials. */
    public static boolean formattedWithCredentials(Path data) {
        return Files.isRegularFile(data.resolve(FORMATTED_MARKER));
    }

    static void markFormattedWithCredentials(Path data) throws IOException {
        Files.writeString(data.resolve(FORMATTED_MARKER), "the SCRAM credentials of ../../kafka/security/secrets.properties\n");
    }

    // --- secrets -----------------------------------------------------------------------------------

    private static List<String> users() {
        List<String> users = new ArrayList<>(List.of(BROKER_USER));
        users.addAll(CLIENT_PRINCIPALS);
        return users;
    }

    private static String passwordKey(String user) {
        return "password." + user;
    }

    private Path secretsFile() {
        return securityDir().resolve("secrets.properties");
    }

    private Map<String, String> secrets(boolean formatted) {
        if (Files.isRegularFile(secretsFile())) {
            return readSecrets();
        }
        if (formatted) {
            throw new IllegalStateException(secretsFile() + " is missing but the broker's storage exists with the credentials"
                    + " it held: delete " + home.resolve("data").resolve("kafka") + " to start the broker afresh");
        }
        SecureRandom random = new SecureRandom();
        StringBuilder text = new StringBuilder("# Passwords of the local secured broker; generated once, owner-only.\n");
        for (String user : users()) {
            text.append(passwordKey(user)).append('=').append(password(random)).append('\n');
        }
        text.append("keystore.password=").append(password(random)).append('\n');
        text.append("ca.password=").append(password(random)).append('\n');
        OwnerOnly.write(secretsFile(), text.toString());
        return readSecrets();
    }

    private Map<String, String> readSecrets() {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(secretsFile(), StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + secretsFile(), e);
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> secrets.put(k, props.getProperty(k)));
        return secrets;
    }

    /** 32 letters and digits (190 bits): nothing that needs quoting in JAAS, properties or the storage tool's syntax. */
    private static String password(SecureRandom random) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    static String jaas(String user, String password) {
        return SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    // --- certificates ------------------------------------------------------------------------------

    /**
     * A CA (EC P-256, 10 years) and the broker's key and certificate signed by it, with the SANs
     * clients verify (IP 127.0.0.1, DNS localhost), usable as server and as client certificate
     * (the controller listener's mutual TLS). Six keytool runs, two pairs side by side; the passwords go through the
     * environment, never the command line.
     */
    private void generateCertificates(Map<String, String> secrets) {
        Path dir = securityDir();
        try {
            for (String name : List.of("ca.p12", "ca.pem", "broker.p12", "broker.csr", "broker.pem", "broker-chain.pem")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Map<String, String> env = Map.of("CA_PASSWORD", secrets.get("ca.password"), "KEYSTORE_PASSWORD", secrets.get("keystore.password"));
            // The CA and the broker's key are independent until the signature: made side by side.
            CompletableFuture<Void> ca = CompletableFuture.runAsync(() -> {
                keytool(env, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                        "-dname", "CN=agentmatch local stack CA", "-ext", "bc:c", "-keystore", "ca.p12", "-storetype", "PKCS12",
                        "-storepass:env", "CA_PASSWORD");
                keytool(env, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass:env", "CA_PASSWORD",
                        "-file", "ca.pem");
            });
            keytool(env, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", BROKER_DN, "-keystore", "broker.p12", "-storetype", "PKCS12", "-storepass:env", "KEYSTORE_PASSWORD");
            keytool(env, "-certreq", "-alias", "broker", "-keystore", "broker.p12", "-storepass:env", "KEYSTORE_PASSWORD",
                    "-file", "broker.csr");
            try {
                ca.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            keytool(env, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass:env", "CA_PASSWORD", "-rfc",
                    "-infile", "broker.csr", "-outfile", "broker.pem", "-validity", "3650",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth,clientAuth",
                    "-ext", "KU=digitalSignature,keyAgreement");
            // The reply with its chain (broker, CA): keytool installs it without a separate trusted entry.
            Files.writeString(dir.resolve("broker-chain.pem"), Files.readString(dir.resolve("broker.pem"))
                    + Files.readString(dir.resolve("ca.pem")));
            keytool(env, "-importcert", "-noprompt", "-alias", "broker", "-file", "broker-chain.pem", "-keystore", "broker.p12",
                    "-storepass:env", "KEYSTORE_PASSWORD");
            for (String name : List.of("broker.csr", "broker.pem", "broker-chain.pem")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            OwnerOnly.restrict(dir.resolve("ca.p12"));
            OwnerOnly.restrict(dir.resolve("broker.p12"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the broker's certificates in " + dir, e);
        }
    }

    private void keytool(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(securityDir().toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " took over 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool (it comes with the JDK: " + command.get(0) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    // --- client files ------------------------------------------------------------------------------

    private void writeClientFiles(StackState state, Map<String, String> secrets) {
        Path dir = OwnerOnly.directory(clientsDir(home));
        try {
            Files.copy(securityDir().resolve("ca.pem"), dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the CA certificate to " + dir, e);
        }
        for (String principal : CLIENT_PRINCIPALS) {
            Path file = clientFile(home, principal);
            String text = "# Kafka client properties of principal '" + principal + "' on the local secured broker of " + home + ".\n"
                    + "# Written by the local stack at every broker start; any Kafka client takes it as it is, e.g.\n"
                    + "#   kafka-topics.sh --bootstrap-server " + state.kafkaBootstrapServers() + " --command-config " + file + " --list\n"
                    + "# It holds a password: keep it owner-only. What this principal may do: docs/SECURITY.md.\n"
                    + "bootstrap.servers=" + state.kafkaBootstrapServers() + "\n"
                    + "security.protocol=SASL_SSL\n"
                    + "sasl.mechanism=" + MECHANISM + "\n"
                    + "sasl.jaas.config=" + jaas(principal, secrets.get(passwordKey(principal))) + "\n"
                    + "ssl.truststore.type=PEM\n"
                    + "ssl.truststore.location=" + escape(dir.resolve("ca.pem").toString()) + "\n";
            OwnerOnly.write(file, text);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
