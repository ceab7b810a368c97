package io.eddy.kafka.fetch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * One connection speaking Kafka's protocol one request at a time, with kafka-clients' own message classes on
 * this side: to send what Kafka's clients would not (any version, any field). Not thread-safe.
 */
final class RawKafkaClient implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    RawKafkaClient(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        socket.setSoTimeout(60_000);
        this.out = new DataOutputStream(socket.getOutputStream());
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Sends {@code body} as {@code key} v{@code version} and reads the response. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(ApiKeys key, short version, ApiMessage body) throws IOException {
        int id = ++correlationId;
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setClientId("raw-test")
                .setCorrelationId(id);
        ByteBuffer request = RequestUtils.serialize(header, key.requestHeaderVersion(version), body, version);
        out.writeInt(request.remaining());
        out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
        out.flush();
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        ByteBufferAccessor read = new ByteBufferAccessor(ByteBuffer.wrap(frame));
        ResponseHeaderData responseHeader = new ResponseHeaderData(read, key.responseHeaderVersion(version));
        if (responseHeader.correlationId() != id) {
            throw new IOException("response to " + responseHeader.correlationId() + ", not " + id);
        }
        return (R) AbstractResponse.parseResponse(key, read, version);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
