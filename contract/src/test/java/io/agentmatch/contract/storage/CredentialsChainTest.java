package io.agentmatch.contract.storage;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The links of the SDK's default credentials chain that need service modules loaded by reflection
 * (web identity: sts; SSO profiles: sso, ssooidc) get as far as the network or the token cache:
 * without the modules they fail at once with "the 'sts' service module must be on the class path".
 * Nothing leaves this machine: STS is pointed at a closed local port.
 */
class CredentialsChainTest {

    @Test
    void webIdentityEksIrsaReachesStsInsteadOfMissingItsModule(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJIUzI1NiJ9.e30.signature");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> properties = Map.of("aws.region", "us-east-1", "aws.endpointUrlSts", "http://127.0.0.1:" + closedPort,
                "aws.maxAttempts", "1");
        properties.forEach(System::setProperty);
        try {
            var provider = WebIdentityTokenFileCredentialsProvider.builder()
                    .roleArn("arn:aws:iam::123456789012:role/agentmatch-processor").webIdentityTokenFile(token).build();
            SdkClientException error = assertThrows(SdkClientException.class, provider::resolveCredentials);
            assertTrue(error.getMessage().contains("127.0.0.1:" + closedPort), "the STS call was made: " + error.getMessage());
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void ssoProfilesLookForTheLoginTokenInsteadOfMissingTheirModules(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config"), """
                [profile legacy-sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                sso_account_id = 123456789012
                sso_role_name = Reader
                [profile session-sso]
                sso_session = team
                sso_account_id = 123456789012
                sso_role_name = Reader
                [sso-session team]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                """);
        ProfileFile profiles = ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build();
        for (String profile : new String[] {"legacy-sso", "session-sso"}) {
            var provider = ProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile).build();
            RuntimeException error = assertThrows(RuntimeException.class, provider::resolveCredentials);
            assertTrue(error.getMessage().contains("aws sso login"), profile + ": " + error.getMessage());
        }
    }
}
