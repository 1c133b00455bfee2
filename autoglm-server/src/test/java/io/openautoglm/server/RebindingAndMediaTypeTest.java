package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a page on evil.example that re-points its name at 127.0.0.1 reaches a loopback
 * server with {@code Host: evil.example}. Without an API key only this server's own names are
 * answered; and a POST must say JSON or multipart, which a page cannot send cross-origin without a
 * CORS preflight.
 */
class RebindingAndMediaTypeTest {
    static MultimodalModel model;
    static AutoglmServer open;

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        open = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withCorsOrigins(List.of("https://app.example:3000")).withAllowedHosts(List.of("autoglm.internal")), model).start();
    }

    @AfterAll
    static void stop() {
        open.stop();
        model.close();
    }

    private static RawHttp.Answer get(AutoglmServer server, String path, String host, String... extraHeaders) {
        return RawHttp.send(server.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + String.join("", extraHeaders) + "Connection: close\r\n\r\n");
    }

    @Test
    void aForeignHostIsRefusedOnEveryPathThePageIncluded() {
        for (String path : List.of("/", "/index.html", "/app.js", "/api/info", "/v1/models", "/metrics", "/healthz",
                "/api/thumbnail/images/000000.png", "/no/such/path")) {
            RawHttp.Answer a = get(open, path, "evil.example:" + open.port());
            assertThat(a.status()).as(path + " " + a.body()).isEqualTo(403);
            assertThat(a.header("Content-Type")).startsWith("application/json");
            assertThat(a.errorCode()).isEqualTo("host_not_allowed");
            assertThat(a.json().at("/error/message").asText()).contains("--allowed-host").contains("API key");
        }
        String embed = "{\"model\": \"" + model.name() + "\", \"input\": \"a red circle\"}";
        RawHttp.Answer post = RawHttp.send(open.port(), "POST /v1/embeddings HTTP/1.1\r\nHost: evil.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + embed.length() + "\r\nConnection: close\r\n\r\n" + embed);
        assertThat(post.status()).isEqualTo(403);
        // a name that merely starts like an allowed one, and a missing Host (HTTP/1.0), are refused too
        assertThat(get(open, "/api/info", "localhost.evil.example").status()).isEqualTo(403);
        assertThat(get(open, "/api/info", "127.0.0.1.nip.io").status()).isEqualTo(403);
        assertThat(RawHttp.send(open.port(), "GET /api/info HTTP/1.0\r\n\r\n").status()).isEqualTo(403);
    }

    @Test
    void loopbackNamesCorsHostsAndAllowedHostsAreAnsweredOnAnyPort() {
        for (String host : List.of("localhost", "LOCALHOST:" + open.port(), "127.0.0.1:" + open.port(), "[::1]:8080", "[::1]",
                "app.example", "app.example:443", "autoglm.internal:80", "Autoglm.Internal")) {
            RawHttp.Answer info = get(open, "/api/info", host);
            assertThat(info.status()).as(host + " " + info.body()).isEqualTo(200);
            assertThat(get(open, "/", host).status()).as(host).isEqualTo(200);
        }
        // what serve's startup line prints: the same set the check uses, in a fixed order
        assertThat(open.allowedHosts()).containsExactly("localhost", "127.0.0.1", "[::1]", "autoglm.internal", "app.example");
    }

    @Test
    void withAnApiKeyTheHostIsNotChecked() {
        try (AutoglmServer keyed = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withApiKey("k"),
                model).start()) {
            assertThat(get(keyed, "/api/info", "evil.example").status()).isEqualTo(401);
            assertThat(get(keyed, "/api/info", "evil.example", "Authorization: Bearer k\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void allowedHostsAreValidated() {
        for (String bad : List.of("http://autoglm.internal", "autoglm.internal:8080", "a/b", "", "-x.example", "a b")) {
            assertThatThrownBy(() -> ServerConfig.defaults().withAllowedHosts(List.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allowed-host");
        }
        assertThat(ServerConfig.defaults().withAllowedHosts(List.of("Box.LAN", "10.0.0.5", "::1", "[fe80::1]")).allowedHosts())
                .containsExactly("box.lan", "10.0.0.5", "[::1]", "[fe80::1]");
    }

    @Test
    void postBodiesMustBeJsonOrMultipart() {
        String url = open.url() + "/v1/embeddings";
        String body = "{\"model\": \"" + model.name() + "\", \"input\": \"a red circle\"}";
        // curl -d sends this type; a page's <form> or no-cors fetch too
        for (String type : List.of("application/x-www-form-urlencoded", "text/plain", "text/plain; charset=utf-8",
                "application/jsonx", "application/json-patch+json")) {
            Http.Reply r = Http.post(url, body, "Content-Type", type);
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
            assertThat(r.json().at("/error/message").asText()).contains("application/json");
        }
        RawHttp.Answer untyped = RawHttp.send(open.port(), "POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(untyped.status()).isEqualTo(415);
        assertThat(untyped.errorCode()).isEqualTo("unsupported_media_type");
        for (String type : List.of("application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8")) {
            assertThat(Http.post(url, body, "Content-Type", type).status()).as(type).isEqualTo(200);
        }
        // the other POST routes get the same check, the 501 placeholders included
        assertThat(Http.post(open.url() + "/api/classify", "{}", "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(Http.post(open.url() + "/api/search", "{}", "Content-Type", "text/plain").status()).isEqualTo(415);
    }
}
