package io.eddy.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 message as it crossed the wire: its head (start line and headers) and its body, both as the exact
 * bytes read, so the proxy forwards what the SDK signed without re-encoding anything. Bodies are framed by
 * {@code Content-Length}, by chunked transfer coding (kept with its framing), or, for responses only, by the end of
 * the connection. Immutable.
 */
record HttpWire(String startLine, String head, byte[] headBytes, byte[] body) {
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** Reads one request; empty at a clean end of stream before any byte of it. */
    static Optional<HttpWire> readRequest(InputStream in, OutputStream continueTo) throws IOException {
        byte[] head = readHead(in);
        if (head == null) {
            return Optional.empty();
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (header(text, "expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false)) {
            // The SDK waits for this before sending a PutObject body; the upstream's own 100 is skipped later.
            continueTo.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            continueTo.flush();
        }
        return Optional.of(new HttpWire(firstLine(text), text, head, readBody(in, text, false)));
    }

    /** Reads one final response (interim 1xx responses are read and dropped) to a request with the given method. */
    static HttpWire readResponse(InputStream in, String requestMethod) throws IOException {
        while (true) {
            byte[] head = readHead(in);
            if (head == null) {
                throw new IOException("the upstream closed the connection before answering");
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int status = status(firstLine(text));
            if (status >= 100 && status < 200) {
                continue;
            }
            boolean bodiless = requestMethod.equals("HEAD") || status == 204 || status == 304;
            byte[] body = bodiless ? new byte[0] : readBody(in, text, true);
            return new HttpWire(firstLine(text), text, head, body);
        }
    }

    String method() {
        return startLine.substring(0, Math.max(0, startLine.indexOf(' ')));
    }

    /** The request target (path and query). */
    String target() {
        String[] parts = startLine.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    int status() {
        return status(startLine);
    }

    Optional<String> header(String name) {
        return header(head, name);
    }

    /** True when the sender will close the connection after this message (or its body ran to the end of it). */
    boolean closes() {
        boolean delimitedByEnd = startLine.startsWith("HTTP/")
                && header("content-length").isEmpty()
                && header("transfer-encoding").isEmpty()
                && status() != 204
                && status() != 304;
        return delimitedByEnd
                || header("connection")
                        .map(v -> v.toLowerCase(Locale.ROOT).contains("close"))
                        .orElse(false);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(headBytes);
        out.write(body);
        out.flush();
    }

    private static int status(String startLine) {
        String[] parts = startLine.split(" ");
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String firstLine(String head) {
        int end = head.indexOf("\r\n");
        return end < 0 ? head : head.substring(0, end);
    }

    static Optional<String> header(String head, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return Optional.of(line.substring(prefix.length()).trim());
            }
        }
        return Optional.empty();
    }

    /** The head through its blank line, or null at end of stream before any byte. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the connection ended inside a message head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("a message head longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static byte[] readBody(InputStream in, String head, boolean untilEndAllowed) throws IOException {
        Optional<String> te = header(head, "transfer-encoding");
        if (te.isPresent() && te.get().toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(in);
        }
        Optional<String> length = header(head, "content-length");
        if (length.isPresent()) {
            return in.readNBytes(Integer.parseInt(length.get()));
        }
        return untilEndAllowed ? in.readAllBytes() : new byte[0];
    }

    /** The chunked body with its framing, through the last chunk and the trailers' blank line. */
    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, raw);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in, raw);
                } while (!trailer.isEmpty());
                return raw.toByteArray();
            }
            byte[] data = in.readNBytes(size);
            if (data.length < size) {
                throw new IOException("the connection ended inside a chunk");
            }
            raw.write(data);
            readLine(in, raw);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            raw.write(b);
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("the connection ended inside a chunked body");
    }
}
