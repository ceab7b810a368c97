package io.eddy.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SigV4TransportTest {
    private static final URI FUNCTION_URL =
            URI.create("https://abcdef.lambda-url.eu-west-1.on.aws/v1/topics/orders/records?acks=all");

    @Test
    void everyRequestLeavesSignedForTheRegionAndService() {
        AtomicReference<HttpTransport.Request> seen = new AtomicReference<>();
        HttpTransport capture = request -> {
            seen.set(request);
            return CompletableFuture.completedFuture(new HttpTransport.Response(200, Map.of(), new byte[0]));
        };
        SigV4Transport signing = new SigV4Transport(
                capture,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                "eu-west-1",
                "lambda");

        signing.send(new HttpTransport.Request(
                        "POST",
                        FUNCTION_URL,
                        Map.of("Content-Type", List.of(EddyHttp.BATCHES)),
                        "body".getBytes(StandardCharsets.UTF_8)))
                .join();

        HttpTransport.Request sent = seen.get();
        assertThat(sent.header("Authorization"))
                .get()
                .asString()
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/lambda/aws4_request")
                .contains("SignedHeaders=")
                .contains("content-type")
                .contains("Signature=");
        assertThat(sent.header("X-Amz-Date")).get().asString().matches("\\d{8}T\\d{6}Z");
        assertThat(sent.header("Content-Type")).contains(EddyHttp.BATCHES);
        assertThat(sent.body()).isEqualTo("body".getBytes(StandardCharsets.UTF_8));
        assertThat(sent.uri()).isEqualTo(FUNCTION_URL);
    }

    @Test
    void aDifferentBodyGetsADifferentSignature() {
        SigV4Transport signing = new SigV4Transport(
                r -> null,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                "eu-west-1",
                "lambda");
        HttpTransport.Request a =
                signing.sign(new HttpTransport.Request("POST", FUNCTION_URL, Map.of(), new byte[] {1}));
        HttpTransport.Request b =
                signing.sign(new HttpTransport.Request("POST", FUNCTION_URL, Map.of(), new byte[] {2}));
        String sigA = a.header("Authorization").orElseThrow().replaceAll(".*Signature=", "");
        String sigB = b.header("Authorization").orElseThrow().replaceAll(".*Signature=", "");
        assertThat(sigA).isNotEqualTo(sigB);
    }
}
