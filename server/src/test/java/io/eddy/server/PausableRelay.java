package io.eddy.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP relay in front of a stand-in that can be paused: while paused, nothing a client sends reaches the
 * stand-in (a stalled S3, as the server sees it); on resume it all flows on. Thread-safe.
 */
final class PausableRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private boolean paused;

    PausableRelay(URI target) {
        try {
            this.target = new InetSocketAddress(target.getHost(), target.getPort());
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept, "relay-accept");
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    private synchronized void awaitRunning() throws InterruptedException {
        while (paused) {
            wait();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                daemon(() -> pipe(client, upstream, true), "relay-up");
                daemon(() -> pipe(upstream, client, false), "relay-down");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean gated) {
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (gated) {
                    awaitRunning();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        resume();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
