package io.eddy.kafka;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions: the APIs and versions that have a handler, nothing more. A version newer than this handler's is
 * answered by {@link #unsupportedVersion()}, as a Kafka broker does. Thread-safe.
 */
final class ApiVersionsHandler implements ApiHandler {
    /** The version of the response to an ApiVersions request of a version not supported: clients read it so. */
    static final short UNSUPPORTED_RESPONSE_VERSION = 0;

    private final ApiHandlers handlers;

    ApiVersionsHandler(ApiHandlers handlers) {
        this.handlers = handlers;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.API_VERSIONS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.API_VERSIONS.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        return Uni.createFrom().item(response(Errors.NONE));
    }

    /** The body of the answer to an unsupported version, to be written as version {@value UNSUPPORTED_RESPONSE_VERSION}. */
    ApiVersionsResponseData unsupportedVersion() {
        return response(Errors.UNSUPPORTED_VERSION);
    }

    private ApiVersionsResponseData response(Errors error) {
        return new ApiVersionsResponseData()
                .setErrorCode(error.code())
                .setApiKeys(handlers.advertised())
                .setThrottleTimeMs(0);
    }
}
