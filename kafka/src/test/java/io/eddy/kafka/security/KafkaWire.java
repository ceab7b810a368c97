package io.eddy.kafka.security;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One raw connection speaking Kafka's protocol through kafka-clients' own serialization (requests built by its
 * builders, responses parsed by it): for what the Java client never sends, such as SASL calls out of order. Not
 * thread-safe.
 */
final class KafkaWire implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    private KafkaWire(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static KafkaWire connect(int port) throws IOException {
        return new KafkaWire(new Socket("127.0.0.1", port));
    }

    /** Sends {@code request} and reads its response. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R call(AbstractRequest request) throws IOException {
        RequestHeader header = send(request);
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(frame), header);
    }

    /** Sends {@code request} without reading anything. */
    RequestHeader send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "eddy-test", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        return header;
    }

    /** Sends {@code bytes} as one size-prefixed frame, without a request header (a raw SASL token). */
    void sendUnframed(byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** Reads one size-prefixed frame and returns it without its size (a raw SASL token). */
    byte[] receiveUnframed() throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    /** Sends a frame's size prefix and nothing more. */
    void sendSizeOnly(int size) throws IOException {
        out.writeInt(size);
        out.flush();
    }

    /** Whether the server closed the connection without sending anything more (within the read timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // a reset is a close too
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
