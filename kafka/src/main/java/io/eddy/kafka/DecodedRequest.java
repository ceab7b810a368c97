package io.eddy.kafka;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * One request, decoded once, as Kroxylicious' {@code DecodedRequestFrame}: its API and version, its header and its
 * body as kafka-clients' generated message, and the connection it came on. The {@link AbstractRequest} wrapper is kept for what kafka-clients
 * offers over the message (such as {@link AbstractRequest#getErrorResponse}). Immutable once made; handlers must
 * not change the body.
 */
public record DecodedRequest(
        ApiKeys apiKey, short apiVersion, RequestHeaderData header, AbstractRequest request, KafkaSession session) {
    public DecodedRequest {
        if (header.requestApiKey() != apiKey.id || header.requestApiVersion() != apiVersion) {
            throw new IllegalArgumentException("header " + header + " is not of " + apiKey + " v" + apiVersion);
        }
        if (request.apiKey() != apiKey || request.version() != apiVersion) {
            throw new IllegalArgumentException(
                    "body " + request.apiKey() + " v" + request.version() + " is not of " + apiKey + " v" + apiVersion);
        }
    }

    public int correlationId() {
        return header.correlationId();
    }

    public ApiMessage body() {
        return request.data();
    }
}
