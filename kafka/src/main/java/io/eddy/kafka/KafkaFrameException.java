package io.eddy.kafka;

/**
 * A request that cannot be answered in Kafka's protocol (an unknown API key, a version no message class can
 * read, a malformed header or body): the connection is closed with one log line, as a Kafka broker does.
 */
public final class KafkaFrameException extends RuntimeException {
    public KafkaFrameException(String message) {
        super(message);
    }

    public KafkaFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
