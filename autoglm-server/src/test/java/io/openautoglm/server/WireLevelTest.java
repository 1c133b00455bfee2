package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What happens on the wire below the routes: header bytes, Jetty's own refusals, IPv6 addresses. */
class WireLevelTest {
    static MultimodalModel model;
    static AutoglmServer server;

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0), model).start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        model.close();
    }

    private static RawHttp.Answer infoWithKey(AutoglmServer s, byte[] authorization) {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ".getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(authorization);
        req.writeBytes("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return RawHttp.send(s.port(), req.toByteArray());
    }

    /** A key typed in UTF-8 (curl from a UTF-8 terminal sends these bytes) matches; its Latin-1 spelling and a near miss do not. */
    @Test
    void aNonAsciiApiKeyMatchesItsUtf8Bytes() {
        String key = "clé-ключ";
        try (AutoglmServer keyed = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withApiKey(key),
                model).start()) {
            RawHttp.Answer right = infoWithKey(keyed, key.getBytes(StandardCharsets.UTF_8));
            assertThat(right.status()).as(right.body()).isEqualTo(200);
            assertThat(infoWithKey(keyed, "clé-ключк".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(401);
            assertThat(infoWithKey(keyed, "cl\u00e9".getBytes(StandardCharsets.ISO_8859_1)).status()).isEqualTo(401);
        }
        try (AutoglmServer latin = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withApiKey("clé"),
                model).start()) {
            assertThat(infoWithKey(latin, "clé".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
            assertThat(infoWithKey(latin, "clé".getBytes(StandardCharsets.ISO_8859_1)).status()).isEqualTo(401);
        }
    }

    private static void assertJsonError(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).as(a.head() + "\n" + a.body()).isEqualTo(status);
        assertThat(a.header("Content-Type")).as(a.head()).startsWith("application/json");
        assertThat(a.errorCode()).isEqualTo(code);
        assertThat(a.json().at("/error/message").asText()).isNotBlank();
    }

    @Test
    void jettysOwnRefusalsAreJsonErrors() {
        assertJsonError(RawHttp.send(server.port(), "GET / HTTP/1.1 extra\r\nHost: localhost\r\n\r\n"), 400, "bad_request");
        assertJsonError(RawHttp.send(server.port(), "\u0001\u0002 garbage\r\n\r\n"), 400, "bad_request");
        assertJsonError(RawHttp.send(server.port(), "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"), 414,
                "uri_too_long");
        assertJsonError(RawHttp.send(server.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"),
                431, "headers_too_large");
        assertJsonError(RawHttp.send(server.port(), "GET / HTTP/9.9\r\nHost: localhost\r\n\r\n"), 505, "http_version_not_supported");
        // and the server still answers normally
        assertThat(Http.get(server.url() + "/healthz").status()).isEqualTo(200);
    }

    @Test
    void anIpv6HostIsPrintedWithOnePairOfBrackets() {
        for (String host : new String[] {"::1", "[::1]"}) {
            try (AutoglmServer v6 = AutoglmServer.create(ServerConfig.defaults().withHostPort(host, 0), model).start()) {
                assertThat(v6.url()).isEqualTo("http://[::1]:" + v6.port());
                assertThat(Http.get(v6.url() + "/healthz").status()).isEqualTo(200);
            }
        }
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }
}
