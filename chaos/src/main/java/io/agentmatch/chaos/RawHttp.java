package io.agentmatch.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: what no well-behaved client library sends
 * (invalid UTF-8, lying Content-Length, broken request lines, bodies cut off).
 */
public final class RawHttp {
    /** status -1: no answer (connection closed or timed out without a status line). */
    public record Response(int status, Map<String, String> headers, byte[] body, long millis) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMs;

    public RawHttp(int port, int timeoutMs) {
        this.host = "127.0.0.1";
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    /** A request with a correct Content-Length for {@code body} (unless {@code headers} set one). */
    public Response request(String method, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        boolean hasLength = false;
        for (var header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            hasLength |= header.getKey().equalsIgnoreCase("Content-Length") || header.getKey().equalsIgnoreCase("Transfer-Encoding");
        }
        if (!hasLength && body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(headBytes);
        if (body != null) {
            all.writeBytes(body);
        }
        // A request framed by our own Content-Length ends where it says, and clients do not half-close
        // after it (a server may take the early EOF for a client that went away, and drop the answer).
        // Framing the caller chose (a lying Content-Length, a chunked body that never ends) needs the
        // EOF to end at all.
        return exchange(all.toByteArray(), hasLength);
    }

    /** Sends {@code bytes} exactly; {@code closeOutput} half-closes the socket after them. */
    public Response exchange(byte[] bytes, boolean closeOutput) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                if (closeOutput) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before taking the whole request (e.g. a refused body).
            }
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            return new Response(-1, Map.of(), e.toString().getBytes(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
        }
    }

    static Response read(InputStream in, long start) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        String ending = "closed by the server";
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buffer.write(chunk, 0, n);
                if (complete(buffer.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            ending = "timed out";
        } catch (java.net.SocketException e) {
            ending = e.getMessage();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Response response = parse(buffer.toByteArray(), millis);
        if (response.status() < 0 && buffer.size() == 0) {
            // Nothing arrived: say how the exchange ended, so that a failure report tells a stall from a close.
            return new Response(-1, Map.of(), (ending + " after " + millis + " ms, nothing received")
                    .getBytes(StandardCharsets.UTF_8), millis);
        }
        return response;
    }

    private static int headerEnd(byte[] bytes) {
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Whether a whole response with a Content-Length arrived (then we need not wait for the close). */
    private static boolean complete(byte[] bytes) {
        int end = headerEnd(bytes);
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = headers(new String(bytes, 0, end, StandardCharsets.ISO_8859_1));
        String length = headers.get("content-length");
        if (length == null) {
            return false;
        }
        try {
            return bytes.length - end - 4 >= Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static Response parse(byte[] bytes, long millis) {
        int end = headerEnd(bytes);
        if (end < 0) {
            return new Response(-1, Map.of(), bytes, millis);
        }
        String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        String statusLine = head.split("\r\n", 2)[0];
        int status;
        try {
            status = Integer.parseInt(statusLine.split(" ")[1]);
        } catch (RuntimeException e) {
            return new Response(-1, Map.of(), bytes, millis);
        }
        Map<String, String> headers = headers(head);
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", "").trim())) {
            body = dechunk(body);
        }
        return new Response(status, headers, body, millis);
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = i;
            while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            int size;
            try {
                size = Integer.parseInt(new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            } catch (RuntimeException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int from = lineEnd + 2;
            out.write(body, from, Math.min(size, body.length - from));
            i = from + size + 2;
        }
        return out.toByteArray();
    }
}
