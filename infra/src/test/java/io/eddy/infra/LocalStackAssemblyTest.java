package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of the LocalStack deployment that needs no Docker: the assembly LocalStackSmokeIT creates its stack
 * from, and the uploads it makes first, agree with each other.
 */
class LocalStackAssemblyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "cdk-hnb659fds-assets-000000000000-us-east-1";

    @TempDir
    static Path dir;

    static Path out;
    static JsonNode template;

    @BeforeAll
    static void synthesise() throws Exception {
        Path ingest = Synth.placeholderZip(dir.resolve("ingest.zip"));
        Path fetch = Synth.placeholderZip(dir.resolve("fetch.zip"));
        Path compactor = Synth.placeholderZip(dir.resolve("compactor.zip"));
        out = LocalStackAssembly.synthesise(dir.resolve("cdk.out"), "smoke", "us-east-1", ingest, fetch, compactor);
        template = JSON.readTree(out.resolve("Eddy-smoke.template.json").toFile());
    }

    @Test
    void theTemplateNeedsNoBootstrapStack() {
        assertThat(template.path("Parameters").has("BootstrapVersion")).isFalse();
        assertThat(template.path("Rules").has("CheckBootstrapVersion")).isFalse();
    }

    @Test
    void everyFunctionsCodeIsAnUploadTheDeployerMakes() throws Exception {
        List<AssetUploads.Upload> all = AssetUploads.read(out, "Eddy-smoke", "000000000000", "us-east-1")
                .uploads();
        assertThat(all).allSatisfy(u -> {
            assertThat(u.bucket()).isEqualTo(BUCKET);
            assertThat(Files.isRegularFile(u.source()))
                    .as(u.source().toString())
                    .isTrue();
        });
        // the three function zips, and the template itself (published too; harmless)
        List<AssetUploads.Upload> uploads =
                all.stream().filter(u -> u.key().endsWith(".zip")).toList();
        assertThat(uploads).hasSize(3);
        assertThat(all).hasSize(4);

        List<String> codeKeys = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
                JsonNode code = r.path("Properties").path("Code");
                assertThat(code.path("S3Bucket").toString()).contains("cdk-hnb659fds-assets-");
                codeKeys.add(code.path("S3Key").asText());
            }
        });
        assertThat(codeKeys)
                .containsExactlyInAnyOrderElementsOf(
                        uploads.stream().map(AssetUploads.Upload::key).toList());
    }

    @Test
    void theFunctionsCallLocalStacksServices() {
        template.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
                JsonNode vars = r.path("Properties").path("Environment").path("Variables");
                assertThat(vars.path("EDDY_AWS_S3_ENDPOINT").asText()).isEqualTo(LocalStackAssembly.SERVICE_ENDPOINT);
                assertThat(vars.path("EDDY_AWS_DYNAMODB_ENDPOINT").asText())
                        .isEqualTo(LocalStackAssembly.SERVICE_ENDPOINT);
            }
        });
    }
}
