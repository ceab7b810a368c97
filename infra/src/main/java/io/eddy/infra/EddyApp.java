package io.eddy.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: one {@link EddyStack} per stage. {@code cdk synth}/{@code deploy} run it through {@code cdk.json};
 * run as a plain Java main it writes the cloud assembly to {@code cdk.out} (or {@code CDK_OUTDIR}) with no network
 * and no CDK CLI.
 */
public final class EddyApp {

    private EddyApp() {}

    public static void main(String[] args) {
        // Under the CDK CLI, CDK_OUTDIR names the output directory; run by hand, write to ./cdk.out (the default
        // would be a temporary directory).
        App app = System.getenv("CDK_OUTDIR") != null
                ? new App()
                : App.Builder.create().outdir("cdk.out").build();
        EddySettings settings = EddySettings.fromContext(app.getNode());
        new EddyStack(
                app,
                "Eddy-" + settings.stage(),
                StackProps.builder()
                        .env(environment())
                        .description("Eddy event log, stage " + settings.stage())
                        .build(),
                settings);
        app.synth();
    }

    /** The account and region the CDK CLI resolved, when it did; otherwise an environment-agnostic stack. */
    private static Environment environment() {
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        if (account == null || region == null) {
            return null;
        }
        return Environment.builder().account(account).region(region).build();
    }
}
