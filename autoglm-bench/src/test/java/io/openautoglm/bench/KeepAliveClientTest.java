package io.openautoglm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load test's client against a real HTTP server: statuses, body framings, connection reuse. */
class KeepAliveClientTest {
    private HttpServer server;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fixed", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            byte[] in = ex.getRequestBody().readAllBytes();
            byte[] body = ("{\"echo\": " + in.length + "}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/chunked", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(429, 0); // length 0: chunked
            try (OutputStream out = ex.getResponseBody()) {
                out.write("{\"error\": ".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("\"busy\"}".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/close", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Connection", "close");
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void answersOfEveryFramingAreReadAndTheConnectionIsReused() throws Exception {
        try (KeepAliveClient client = new KeepAliveClient(uri, 10_000)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.post("/fixed", "{\"input\": \"" + "x".repeat(i * 1000) + "\"}")).isEqualTo(200);
                assertThat(client.post("/chunked", "{}")).isEqualTo(429);
            }
        }
        assertThat(clientPorts).as("ten requests over one keep-alive connection").hasSize(1);
    }

    @Test
    void aConnectionTheServerClosesIsOpenedAgain() throws Exception {
        try (KeepAliveClient client = new KeepAliveClient(uri, 10_000)) {
            assertThat(client.post("/close", "{}")).isEqualTo(400);
            assertThat(client.post("/fixed", "{}")).isEqualTo(200);
        }
        assertThat(clientPorts).hasSize(2);
    }
}
