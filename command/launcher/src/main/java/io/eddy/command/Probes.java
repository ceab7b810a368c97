package io.eddy.command;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** Waiting for child processes to be ready, and finding free ports. Stateless apart from its random generator. */
final class Probes {
    private static final Duration POLL = Duration.ofMillis(100);

    private final RandomGenerator random;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Probes(RandomGenerator random) {
        this.random = random;
    }

    /** Waits until the file holds {@code text}; false when the process ended first or the time ran out. */
    static boolean awaitLine(Path file, String text, Duration timeout, Process p) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!contains(file, text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** The first line of the file that holds {@code text}, or the empty string. */
    static String lineWith(Path file, String text) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.contains(text))
                    .findFirst()
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Any HTTP answer (a 401 of a server with access control too) means it is up. */
    boolean httpReady(String url) {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EddyExit(130, "");
        }
    }

    /** A port nothing listens on now (another process may take it meanwhile; start-up then says so). */
    int freePort() {
        for (int i = 0; i < 100; i++) {
            int port = 20000 + random.nextInt(40000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw EddyExit.die("found no free port");
    }

    static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EddyExit(130, "");
        }
    }
}
