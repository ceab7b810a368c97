package io.eddy.client.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command has: where Eddy is, a bearer token for a server with access control, and SigV4
 * signing for IAM-protected endpoints. The token is never printed (not even as a default in the usage).
 */
final class Connection {
    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8080",
            description = "Eddy's URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--signing-region",
            description = "sign requests with SigV4 for this AWS region (credentials from the default chain)")
    String signingRegion;

    @Option(
            names = "--token",
            defaultValue = "${env:EDDY_TOKEN}",
            arity = "1",
            description =
                    "bearer token for a server with access control (default: the EDDY_TOKEN environment variable)")
    String token;

    Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>();
        c.put("url", url);
        if (signingRegion != null) {
            c.put("signing.region", signingRegion);
        }
        if (token != null && !token.isEmpty()) {
            c.put("token", token);
        }
        return c;
    }
}
