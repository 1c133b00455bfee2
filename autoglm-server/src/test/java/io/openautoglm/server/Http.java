package io.openautoglm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.imageio.ImageIO;

/** A real HTTP client against a real server on port 0, and test pictures. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path BUNDLED = Path.of("..", "models", "autoglm-shapes-tiny");
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    private Http() {}

    /** A POST sent as JSON ({@code Content-Type: application/json}) unless {@code headers} name another type. */
    static Reply post(String url, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)), json(headers));
    }

    static Reply postBytes(String url, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), json(headers));
    }

    /** The server refuses POST bodies of any other type (415), so the helpers say JSON by default. */
    private static String[] json(String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Content-Type")) {
                return headers;
            }
        }
        String[] withType = java.util.Arrays.copyOf(headers, headers.length + 2);
        withType[headers.length] = "Content-Type";
        withType[headers.length + 1] = "application/json";
        return withType;
    }

    static Reply get(String url, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    static Reply send(HttpRequest.Builder b, String... headers) {
        if (b.build().timeout().isEmpty()) {
            b.timeout(Duration.ofSeconds(30));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ShapeWorld's palette (the bundled model was trained on it): bright objects on dark grounds.
    static final Color RED = new Color(230, 35, 35);
    static final Color GREEN = new Color(40, 200, 60);
    static final Color BLUE = new Color(40, 100, 255);

    /** A 64x64 PNG: a large filled disc of {@code colour} on ShapeWorld's dark grey. */
    static byte[] disc(Color colour) {
        return disc(colour, 64);
    }

    static byte[] disc(Color colour, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(45, 45, 45));
        g.fillRect(0, 0, size, size);
        g.setColor(colour);
        g.fillOval(size / 5, size / 5, size * 3 / 5, size * 3 / 5);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
