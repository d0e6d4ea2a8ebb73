package io.agentmatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON HTTP client for the API tests. */
public final class Http {
    record Response(int status, JsonNode json, String body, Map<String, java.util.List<String>> headers) {
        String header(String name) {
            var values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Http(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Map.of());
    }

    Response get(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    /** A GET that gives up after {@code timeout}: null when no answer came by then. */
    Response getWithin(String path, Duration timeout) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(timeout), Map.of(), timeout);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
                return null;
            }
            throw e;
        }
    }

    java.util.concurrent.CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String path, String json) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    Response post(String path, String json) {
        return post(path, json, Map.of());
    }

    Response post(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), headers);
    }

    Response postBytes(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType), Map.of());
    }

    /**
     * A POST that declares a body of {@code declaredBytes} and sends none of it: the API must refuse an
     * oversized body from its Content-Length alone, before reading it. (Sending the whole body races with
     * that refusal: the server answers and closes while the client still writes, and the client may see
     * the reset instead of the answer; JDK 17's client cannot wait for 100-continue on a final status.)
     */
    Response postDeclaring(String path, long declaredBytes) {
        try (java.net.Socket socket = new java.net.Socket()) {
            URI uri = URI.create(base + path);
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + declaredBytes + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            String headers = readHead(in);
            int status = Integer.parseInt(headers.substring(9, 12));
            Map<String, java.util.List<String>> map = new java.util.HashMap<>();
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    map.put(line.substring(0, colon).trim().toLowerCase(), java.util.List.of(line.substring(colon + 1).trim()));
                }
            }
            int length = Integer.parseInt(map.getOrDefault("content-length", java.util.List.of("0")).get(0));
            String body = new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode json = body.isEmpty() ? null : JsonCodec.readTree(body);
            return new Response(status, json, body, map);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        throw new IOException("the connection closed before the response head ended: " + head);
    }

    Response put(String path, String json) {
        return put(path, json, Map.of());
    }

    Response put(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), headers);
    }

    Response delete(String path) {
        return delete(path, Map.of());
    }

    Response delete(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
    }

    Response send(HttpRequest.Builder builder, Map<String, String> headers) {
        return send(builder, headers, Duration.ofSeconds(30));
    }

    Response send(HttpRequest.Builder builder, Map<String, String> headers, Duration timeout) {
        builder.timeout(timeout);
        if (token != null && !headers.containsKey("Authorization")) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JsonCodec.readTree(response.body());
            } catch (IOException notJson) {
                // left null: the test asserts on it
            }
            return new Response(response.statusCode(), json, response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
