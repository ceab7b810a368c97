package io.eddy.server;

import io.eddy.testkit.Standins;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Points the server under test at the stand-ins helper JVM the testkit starts once per test run, with a
 * table and bucket of its own (created by the server's bootstrap).
 */
public class StandinsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Standins standins = Standins.shared();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return Map.of(
                "eddy.aws.dynamodb-endpoint", String.valueOf(standins.dynamoEndpoint()),
                "eddy.aws.s3-endpoint", String.valueOf(standins.s3Endpoint()),
                "eddy.aws.region", standins.region(),
                "eddy.aws.access-key", standins.accessKey(),
                "eddy.aws.secret-key", standins.secretKey(),
                "eddy.table", "eddy-server-it-" + suffix,
                "eddy.bucket", "eddy-server-it-" + suffix,
                "eddy.bootstrap.create-resources", "true");
    }

    @Override
    public void stop() {
        // The shared stand-ins stop with the test JVM.
    }
}
