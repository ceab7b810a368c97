package io.eddy.chaos;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fault-injecting HTTP/1.1 proxy in front of one stand-in (DynamoDB Local or s3proxy). Clients (the Eddy servers'
 * AWS SDK) use its address as their endpoint; it reads each request whole, asks the current {@link FaultPlan}, and
 * forwards it byte for byte (SigV4 signatures, including the signed {@code Host}, stay valid: the stand-ins check
 * the signature over what was signed, not over their own address) or answers, stalls or loses it. One upstream
 * connection per client connection, so keep-alive and ordering are as the client made them.
 *
 * <p>Thread-safe: a thread per connection; the plan is swapped atomically with {@link #plan(FaultPlan)}.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FaultProxy.class.getName());

    private final FaultPlan.Service service;
    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile FaultPlan plan = FaultPlan.none();
    private volatile SplittableRandom random;
    private volatile boolean closed;

    private FaultProxy(FaultPlan.Service service, InetSocketAddress upstream, ServerSocket server, long seed) {
        this.service = service;
        this.upstream = upstream;
        this.server = server;
        this.random = new SplittableRandom(seed);
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + service.name().toLowerCase(java.util.Locale.ROOT));
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code upstream} ({@code http://host:port}). */
    public static FaultProxy start(FaultPlan.Service service, URI upstream, long seed) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        FaultProxy proxy =
                new FaultProxy(service, new InetSocketAddress(upstream.getHost(), upstream.getPort()), server, seed);
        Thread acceptor =
                new Thread(proxy::accept, "fault-proxy-accept-" + service.name().toLowerCase(java.util.Locale.ROOT));
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The endpoint to give the clients. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** From now on, requests are decided by {@code next}, drawing from a generator seeded with {@code seed}. */
    public void plan(FaultPlan next, long seed) {
        this.random = new SplittableRandom(seed);
        this.plan = next;
    }

    public FaultPlan plan() {
        return plan;
    }

    /** Requests seen by kind of fault ({@code pass} for none) since the last reset. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void resetCounts() {
        counts.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                open.add(client);
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
            }
        }
    }

    /** A connection to the upstream with its one read buffer. */
    private record Upstream(Socket socket, InputStream in) {}

    private void serve(Socket client) {
        Upstream up = null;
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            while (!closed) {
                Optional<HttpWire> read = HttpWire.readRequest(in, out);
                if (read.isEmpty()) {
                    return;
                }
                HttpWire request = read.get();
                Fault fault = decide(request);
                counts.computeIfAbsent(fault.kind(), k -> new AtomicLong()).incrementAndGet();
                if (fault instanceof Fault.Answer answer) {
                    answer(out, request, answer);
                    continue;
                }
                if (fault instanceof Fault.Stall stall) {
                    // The client's attempt timeout fires meanwhile and it closes its end; this thread only waits.
                    sleep(stall.millis());
                    if (stall.forwardLate()) {
                        up = connectIfNeeded(up);
                        forward(up, request);
                    }
                    return;
                }
                up = connectIfNeeded(up);
                HttpWire response = forward(up, request);
                if (fault instanceof Fault.LoseResponse) {
                    return; // applied upstream; the client sees its connection closed before any answer
                }
                response.writeTo(out);
                if (response.closes()) {
                    return;
                }
            }
        } catch (IOException e) {
            // a client or upstream connection ended: nothing to do but close both
        } finally {
            open.remove(client);
            if (up != null) {
                closeQuietly(up.socket());
            }
        }
    }

    private Fault decide(HttpWire request) {
        FaultPlan current = plan;
        if (current.injectsNothing()) {
            return Fault.PASS;
        }
        synchronized (this) {
            return current.decide(service, request, random);
        }
    }

    private Upstream connectIfNeeded(Upstream up) throws IOException {
        if (up != null && !up.socket().isClosed()) {
            return up;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(upstream, 5_000);
        open.add(s);
        return new Upstream(s, new BufferedInputStream(s.getInputStream()));
    }

    /** Sends the request upstream and reads its answer; the upstream connection is closed when it says so. */
    private HttpWire forward(Upstream up, HttpWire request) throws IOException {
        request.writeTo(up.socket().getOutputStream());
        HttpWire response = HttpWire.readResponse(up.in(), request.method());
        if (response.closes()) {
            closeQuietly(up.socket());
        }
        return response;
    }

    private static void answer(OutputStream out, HttpWire request, Fault.Answer answer) throws IOException {
        boolean head = request.method().equals("HEAD");
        String reason = switch (answer.status()) {
            case 400 -> "Bad Request";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
        String id = Long.toHexString(System.nanoTime());
        String headers = "HTTP/1.1 " + answer.status() + " " + reason + "\r\n"
                + "Content-Type: " + answer.contentType() + "\r\n"
                + "Content-Length: " + answer.body().length + "\r\n"
                + "x-amz-request-id: " + id + "\r\n"
                + "x-amzn-RequestId: " + id + "\r\n"
                + "\r\n";
        out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(answer.body());
        }
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(Socket s) {
        if (s != null) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(this::closeQuietly);
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
