package dev.gradlab.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 serving files from memory, some of them deliberately badly. */
final class LoopbackServer implements AutoCloseable {

    enum Mode {
        GOOD,
        CUT_CONNECTION,
        STALL,
        TRICKLE
    }

    private record Entry(byte[] body, Mode mode) {}

    private final HttpServer server;
    private final Map<String, Entry> files = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    /** Counted down when a stalling response has sent its first bytes. */
    final CountDownLatch stalled = new CountDownLatch(1);

    private final CountDownLatch closing = new CountDownLatch(1);

    LoopbackServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** Base address of the served directory. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/data/");
    }

    void serve(String name, byte[] body) {
        files.put(name, new Entry(body, Mode.GOOD));
    }

    /** Announces the whole length, sends half, then drops the connection. */
    void serveCut(String name, byte[] body) {
        files.put(name, new Entry(body, Mode.CUT_CONNECTION));
    }

    /** Announces the whole length, sends the first 1000 bytes, then sends nothing until closed. */
    void serveStalling(String name, byte[] body) {
        files.put(name, new Entry(body, Mode.STALL));
    }

    /** Announces the whole length and sends one byte every 100 ms (never stalling for a read timeout). */
    void serveTrickle(String name, byte[] body) {
        files.put(name, new Entry(body, Mode.TRICKLE));
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        Entry entry = path.startsWith("/data/") ? files.get(path.substring("/data/".length())) : null;
        try (exchange) {
            if (entry == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, entry.body().length);
            OutputStream out = exchange.getResponseBody();
            switch (entry.mode()) {
                case GOOD -> out.write(entry.body());
                case CUT_CONNECTION -> {
                    out.write(entry.body(), 0, entry.body().length / 2);
                    out.flush();
                }
                case STALL -> {
                    out.write(entry.body(), 0, Math.min(1000, entry.body().length));
                    out.flush();
                    stalled.countDown();
                    awaitClose(Long.MAX_VALUE);
                }
                case TRICKLE -> {
                    // The pace of a slow server, not a synchronisation: the client decides when to give up.
                    for (int i = 0; i < entry.body().length && !awaitClose(100); i++) {
                        out.write(entry.body()[i]);
                        out.flush();
                    }
                }
            }
        }
    }

    /** Waits up to {@code millis} for {@link #close()}; true if it came. */
    private boolean awaitClose(long millis) {
        try {
            return closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
