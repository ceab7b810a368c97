package io.eddy.infra;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/** The cloud assembly the LocalStack IT deploys, made where a test without Docker can check it too. */
final class LocalStackAssembly {
    /** LocalStack's account. */
    static final String ACCOUNT = "000000000000";
    /** What the functions call S3 and DynamoDB at, from their containers beside LocalStack. */
    static final String SERVICE_ENDPOINT = "http://localhost.localstack.cloud:4566";

    private LocalStackAssembly() {}

    /**
     * Synthesises {@code Eddy-<stage>} for LocalStack into {@code out}, with the default synthesizer minus its
     * bootstrap-version check (no CDK bootstrap stack there): the template expects its assets in
     * {@code cdk-hnb659fds-assets-<account>-<region>}, which the deployer fills ({@link AssetUploads}).
     */
    static Path synthesise(Path out, String stage, String region, Path ingestZip, Path fetchZip, Path compactorZip) {
        Map<String, Object> context = new HashMap<>();
        context.put("stage", stage);
        context.put("retainData", "false");
        context.put("serviceEndpoint", SERVICE_ENDPOINT);
        context.put("ingestAsset", ingestZip.toString());
        context.put("fetchAsset", fetchZip.toString());
        context.put("compactorAsset", compactorZip.toString());
        // LocalStack's free edition has no ECS nor load balancers: the functions alone
        context.put("kafka", "false");
        App app = App.Builder.create().outdir(out.toString()).context(context).build();
        EddySettings settings = EddySettings.fromContext(app.getNode());
        new EddyStack(
                app,
                "Eddy-" + stage,
                StackProps.builder()
                        .env(Environment.builder()
                                .account(ACCOUNT)
                                .region(region)
                                .build())
                        .synthesizer(DefaultStackSynthesizer.Builder.create()
                                .generateBootstrapVersionRule(false)
                                .build())
                        .build(),
                settings);
        app.synth();
        return out;
    }
}
