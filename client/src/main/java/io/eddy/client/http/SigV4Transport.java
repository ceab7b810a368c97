package io.eddy.client.http;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs every request with AWS Signature Version 4 before handing it to the wrapped transport, for endpoints
 * behind IAM (Lambda function URLs with {@code AuthType AWS_IAM}: service {@code lambda}). Credentials are
 * resolved per request from the provider (the SDK's default chain in production), so rotated credentials are
 * picked up. The payload is hashed and signed. Thread-safe.
 */
public final class SigV4Transport implements HttpTransport {
    private final HttpTransport next;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String service;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SigV4Transport(HttpTransport next, AwsCredentialsProvider credentials, String region, String service) {
        this.next = next;
        this.credentials = credentials;
        this.region = region;
        this.service = service;
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        Request signed;
        try {
            signed = sign(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return next.send(signed);
    }

    /** The request with the signature headers ({@code Authorization}, {@code X-Amz-Date}, …) added. */
    public Request sign(Request request) {
        SdkHttpRequest.Builder http =
                SdkHttpRequest.builder().uri(request.uri()).method(SdkHttpMethod.fromValue(request.method()));
        request.headers().forEach(http::putHeader);
        byte[] body = request.body() == null ? new byte[0] : request.body();
        AwsCredentialsIdentity identity = credentials.resolveCredentials();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(http.build())
                .payload(ContentStreamProvider.fromInputStreamSupplier(() -> new ByteArrayInputStream(body)))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service));
        Map<String, List<String>> headers = new HashMap<>();
        signed.request().headers().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
        return new Request(request.method(), request.uri(), headers, request.body());
    }

    @Override
    public void close() {
        next.close();
    }
}
