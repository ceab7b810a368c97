package io.eddy.client.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command has: where Eddy is, and SigV4 signing for IAM-protected endpoints. */
final class Connection {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Eddy's URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--signing-region", description = "sign requests with SigV4 for this AWS region (credentials from the default chain)")
    String signingRegion;

    Map<String, Object> config() {
        Map<String, Object> c = new HashMap<>();
        c.put("url", url);
        if (signingRegion != null) {
            c.put("signing.region", signingRegion);
        }
        return c;
    }
}
