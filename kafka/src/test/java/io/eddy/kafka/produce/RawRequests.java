package io.eddy.kafka.produce;

import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaCodec;
import io.eddy.kafka.KafkaSession;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Requests as a client writes them, decoded as the front end decodes them: the body is serialized into a frame,
 * and read back with {@link KafkaCodec}, so that its records are views of that frame, as they are of a
 * connection's pooled buffer.
 */
final class RawRequests {
    private RawRequests() {}

    /** The frame {@code body} is written to, and the request decoded from it. */
    record Framed(ByteBuffer frame, DecodedRequest request) {}

    static Framed decode(ApiKeys apiKey, short version, ApiMessage body, KafkaSession session) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(apiKey.id)
                .setRequestApiVersion(version)
                .setCorrelationId(7)
                .setClientId("raw-test");
        short headerVersion = apiKey.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBuffer frame = ByteBuffer.allocate(size.totalSize());
        ByteBufferAccessor out = new ByteBufferAccessor(frame);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        frame.flip();
        KafkaCodec codec = new KafkaCodec();
        ByteBuffer reading = frame.duplicate();
        RequestHeaderData read = codec.readHeader(reading);
        return new Framed(frame, codec.readBody(read, reading, session));
    }
}
