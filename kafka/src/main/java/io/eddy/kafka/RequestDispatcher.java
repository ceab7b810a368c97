package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Turns one request frame into one response frame: decodes it once, hands it to its API's handler, encodes the
 * answer. What has no handler at the requested version is answered as Kafka does: ApiVersions with its version 0
 * response, error {@code UNSUPPORTED_VERSION} and the supported list; any other API with its own error response
 * carrying {@code UNSUPPORTED_VERSION}, where kafka-clients can read and write that version. A failed handler
 * answers the API's error response for its failure. A produce with acks=0 is answered with nothing, as Kafka
 * does, and its connection is closed when any of it failed, so that the client refreshes its metadata and
 * notices. After a SaslHandshake v0 the next frame is a raw SASL token, handed to the
 * {@link UnframedSaslAuthenticator}. Everything else fails the returned stage with a
 * {@link KafkaFrameException}: the connection is closed. Thread-safe.
 */
public final class RequestDispatcher {
    private final ApiHandlers handlers;
    private final KafkaCodec codec;

    public RequestDispatcher(ApiHandlers handlers, KafkaCodec codec) {
        this.handlers = handlers;
        this.codec = codec;
    }

    /**
     * The response to {@code frame} (the request without its size prefix), size prefix included. Before a
     * connection that must authenticate has done so, requests are admitted as a Kafka broker's SASL listener
     * admits them ({@link KafkaSession#admit}): one out of turn closes the connection, answered
     * {@code ILLEGAL_SASL_STATE} first when it came after the handshake.
     */
    public CompletionStage<Optional<ByteBuf>> dispatch(ByteBuffer frame, KafkaSession session) {
        try {
            if (session.awaitsUnframedToken()) {
                return CompletableFuture.completedFuture(Optional.of(unframedSasl(frame, session)));
            }
            RequestHeaderData header = codec.readHeader(frame);
            ApiKeys apiKey = ApiKeys.forId(header.requestApiKey());
            short version = header.requestApiVersion();
            KafkaSession.Admission admission = session.admit(apiKey);
            if (admission == KafkaSession.Admission.CLOSE) {
                throw new KafkaFrameException(apiKey + " before SASL authentication");
            }
            Optional<ApiHandler> handler = handlers.handler(apiKey).filter(h -> h.answers(version));
            if (handler.isEmpty() && apiKey == ApiKeys.API_VERSIONS && admission == KafkaSession.Admission.ANSWER) {
                ApiVersionsHandler apiVersions = (ApiVersionsHandler)
                        handlers.handler(ApiKeys.API_VERSIONS).orElseThrow();
                return CompletableFuture.completedFuture(Optional.of(codec.encodeResponse(
                        apiKey,
                        ApiVersionsHandler.UNSUPPORTED_RESPONSE_VERSION,
                        header.correlationId(),
                        apiVersions.unsupportedVersion())));
            }
            DecodedRequest request = codec.readBody(header, frame, session);
            if (admission == KafkaSession.Admission.REFUSE_AND_CLOSE) {
                String reason = "unexpected " + apiKey + " during SASL authentication";
                session.failed(reason);
                return CompletableFuture.completedFuture(
                        Optional.of(error(request, new IllegalSaslStateException(reason))));
            }
            if (handler.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.of(error(
                        request,
                        new UnsupportedVersionException(apiKey + " v" + version + " is not supported by Eddy"))));
            }
            if (!unanswered(request)) {
                return answer(handler.get(), request)
                        .subscribeAsCompletionStage()
                        .handle((body, failure) ->
                                Optional.of(failure == null ? encode(request, body) : error(request, failure)));
            }
            return answer(handler.get(), request).subscribeAsCompletionStage().thenApply(body -> {
                if (body instanceof ProduceResponseData produced && failedAnyPartition(produced)) {
                    throw new KafkaFrameException("an acks=0 produce failed in part");
                }
                return Optional.<ByteBuf>empty();
            });
        } catch (KafkaFrameException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A raw SASL token after a SaslHandshake v0, answered with the server's raw token. */
    private ByteBuf unframedSasl(ByteBuffer frame, KafkaSession session) {
        UnframedSaslAuthenticator sasl = handlers.handler(ApiKeys.SASL_AUTHENTICATE)
                .filter(UnframedSaslAuthenticator.class::isInstance)
                .map(UnframedSaslAuthenticator.class::cast)
                .orElseThrow(() -> new KafkaFrameException("no SASL authenticator for an unframed token"));
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        byte[] answer = sasl.authenticateUnframed(token, session)
                .orElseThrow(() -> new KafkaFrameException(session.failure().orElse("SASL token refused")));
        return Unpooled.buffer(Integer.BYTES + answer.length)
                .writeInt(answer.length)
                .writeBytes(answer);
    }

    /** The handler's answer; one that throws instead of failing its Uni fails it all the same. */
    private static Uni<ApiMessage> answer(ApiHandler handler, DecodedRequest request) {
        return Uni.createFrom().deferred(() -> handler.handle(request));
    }

    /** Kafka answers nothing to a produce with acks=0 (the client does not read a response). */
    private static boolean unanswered(DecodedRequest request) {
        return request.request() instanceof ProduceRequest produce && produce.acks() == 0;
    }

    private static boolean failedAnyPartition(ProduceResponseData response) {
        return response.responses().stream()
                .flatMap(topic -> topic.partitionResponses().stream())
                .anyMatch(partition -> partition.errorCode() != Errors.NONE.code());
    }

    private ByteBuf error(DecodedRequest request, Throwable failure) {
        ApiMessage body;
        try {
            body = request.request().getErrorResponse(0, unwrap(failure)).data();
        } catch (RuntimeException e) {
            throw new KafkaFrameException(
                    "no error response of " + request.apiKey() + " v" + request.apiVersion() + " for " + failure, e);
        }
        return encode(request, body);
    }

    private ByteBuf encode(DecodedRequest request, ApiMessage body) {
        return codec.encodeResponse(request.apiKey(), request.apiVersion(), request.correlationId(), body);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
    }
}
