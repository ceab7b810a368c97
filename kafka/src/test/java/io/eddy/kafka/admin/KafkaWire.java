package io.eddy.kafka.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One plain connection speaking kafka-clients' own request and response classes, for the APIs Kafka 4's Admin no
 * longer sends (AlterConfigs) and for exact versions: no codec of ours on the client end. Not thread-safe.
 */
final class KafkaWire implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    KafkaWire(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends {@code request} at {@code version} and reads its response. */
    <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder, short version, Class<R> type)
            throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(request.apiKey(), version, "eddy-test", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return type.cast(AbstractResponse.parseResponse(ByteBuffer.wrap(response), header));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
