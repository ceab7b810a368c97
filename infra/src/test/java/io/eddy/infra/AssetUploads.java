package io.eddy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code cdk deploy} would publish before creating the stack, read from the cloud assembly's asset manifest
 * ({@code <stack>.assets.json}) of a stack synthesised with the default synthesizer: each file asset, with the
 * bucket and key the template expects it at. The LocalStack IT publishes these itself, since it deploys
 * without the CDK CLI.
 */
record AssetUploads(List<Upload> uploads) {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Upload(Path source, String bucket, String key) {}

    static AssetUploads read(Path assembly, String stackName, String account, String region) throws IOException {
        JsonNode manifest =
                JSON.readTree(assembly.resolve(stackName + ".assets.json").toFile());
        List<Upload> uploads = new ArrayList<>();
        for (JsonNode file : (Iterable<JsonNode>) () -> manifest.path("files").elements()) {
            Path source = assembly.resolve(file.path("source").path("path").asText());
            for (JsonNode dest :
                    (Iterable<JsonNode>) () -> file.path("destinations").elements()) {
                String bucket = dest.path("bucketName")
                        .asText()
                        .replace("${AWS::AccountId}", account)
                        .replace("${AWS::Region}", region);
                uploads.add(new Upload(source, bucket, dest.path("objectKey").asText()));
            }
        }
        return new AssetUploads(List.copyOf(uploads));
    }
}
