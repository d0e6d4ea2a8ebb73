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
