package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Kafka's request and response framing over kafka-clients' generated message classes: nothing of Kafka's schemas
 * is written here. A request frame (the bytes after the 4-byte size) is a request header, whose version follows
 * from the API key and version it starts with, then the body; a response frame is the 4-byte size, a response
 * header (the correlation id) and the body. Stateless and thread-safe.
 */
public final class KafkaCodec {
    /** The API key and version at the start of every request frame. */
    public static final int API_KEY_AND_VERSION_BYTES = 4;

    /**
     * Reads the header of a request frame, leaving {@code frame} positioned at the body.
     *
     * @throws KafkaFrameException for an unknown API key or a malformed header
     */
    public RequestHeaderData readHeader(ByteBuffer frame) {
        if (frame.remaining() < API_KEY_AND_VERSION_BYTES) {
            throw new KafkaFrameException("request of " + frame.remaining() + " bytes has no API key and version");
        }
        short key = frame.getShort(frame.position());
        short version = frame.getShort(frame.position() + 2);
        short headerVersion;
        try {
            // hasId is not enough: the keys Kafka 4 removed (LeaderAndIsr, ...) have ids but no ApiKeys
            headerVersion = ApiKeys.forId(key).requestHeaderVersion(version);
        } catch (RuntimeException e) {
            throw new KafkaFrameException("unknown API key " + key, e);
        }
        try {
            RequestHeaderData header = new RequestHeaderData(new ByteBufferAccessor(frame), headerVersion);
            if (header.clientId() == null) {
                header.setClientId(""); // nullable in the schema; Kafka reads null as empty
            }
            return header;
        } catch (RuntimeException e) {
            throw new KafkaFrameException("malformed header of " + ApiKeys.forId(key) + " v" + version, e);
        }
    }

    /**
     * Reads the body that follows {@code header} in {@code frame}, a request of {@code session}'s connection.
     *
     * @throws KafkaFrameException when no message class reads this version, or the body is malformed
     */
    public DecodedRequest readBody(RequestHeaderData header, ByteBuffer frame, KafkaSession session) {
        ApiKeys apiKey = ApiKeys.forId(header.requestApiKey());
        short version = header.requestApiVersion();
        if (!apiKey.isVersionSupported(version)) {
            throw new KafkaFrameException(apiKey + " v" + version + " is not a version of the protocol known here");
        }
        try {
            AbstractRequest request =
                    AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(frame)).request;
            return new DecodedRequest(apiKey, version, header, request, session);
        } catch (RuntimeException e) {
            throw new KafkaFrameException("malformed body of " + apiKey + " v" + version, e);
        }
    }

    /**
     * The whole response frame, size prefix included, ready to write. Records (a Fetch response's) are not
     * copied: the frame holds views of their buffers between the parts written here (see
     * {@link ResponseFrameWriter}), so they must not change until the frame is written.
     */
    public ByteBuf encodeResponse(ApiKeys apiKey, short version, int correlationId, ApiMessage body) {
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        short headerVersion = apiKey.responseHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ResponseFrameWriter out = new ResponseFrameWriter(Integer.BYTES + size.sizeExcludingZeroCopy());
        out.writeInt(size.totalSize());
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        return out.frame();
    }
}
