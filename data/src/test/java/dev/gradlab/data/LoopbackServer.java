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
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 serving files from memory, some of them deliberately badly. */
final class LoopbackServer implements AutoCloseable {

    enum Mode { GOOD, CUT_CONNECTION }

    private record Entry(byte[] body, Mode mode) {
    }

    private final HttpServer server;
    private final Map<String, Entry> files = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();

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
            if (entry.mode() == Mode.GOOD) {
                out.write(entry.body());
            } else {
                out.write(entry.body(), 0, entry.body().length / 2);
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
