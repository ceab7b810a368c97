package io.eddy.kafka;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Answers one Kafka API: turns a decoded request into calls on core's services and builds the response
 * message. Implementations are thread-safe: one handler serves every connection.
 */
public interface ApiHandler {
    ApiKeys apiKey();

    /** The oldest version this handler answers; ApiVersions advertises exactly this range. */
    short oldestVersion();

    /** The newest version this handler answers. */
    short latestVersion();

    /** The response body for {@code request}, whose version lies in this handler's range. */
    Uni<ApiMessage> handle(DecodedRequest request);

    default boolean answers(short version) {
        return version >= oldestVersion() && version <= latestVersion();
    }
}
