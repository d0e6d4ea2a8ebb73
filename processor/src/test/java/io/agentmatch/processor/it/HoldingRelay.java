package io.agentmatch.processor.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay in front of dynalite that can hold requests: bytes a client sends while held are kept
 * (the client waits, times out, closes) and reach dynalite only on {@link #release()}, on a
 * connection the relay keeps open for them. That is a write landing late: after its sender gave
 * up, lost its partitions, and another instance wrote newer data.
 */
final class HoldingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Link> links = new ArrayList<>();
    private volatile boolean holding;

    private final class Link {
        final Socket client;
        final Socket upstream;
        final ByteArrayOutputStream held = new ByteArrayOutputStream();
        boolean released;
        long answeredAfterRelease;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }
    }

    HoldingRelay(String upstreamEndpoint) throws IOException {
        URI uri = URI.create(upstreamEndpoint);
        this.upstreamHost = uri.getHost();
        this.upstreamPort = uri.getPort();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void hold() {
        holding = true;
    }

    /** What clients sent while held, as text (HTTP requests with JSON bodies). */
    synchronized String heldRequests() {
        StringBuilder text = new StringBuilder();
        links.forEach(link -> text.append(link.held.toString(StandardCharsets.ISO_8859_1)));
        return text.toString();
    }

    /** Sends every held byte on to dynalite; from now on nothing is held. */
    synchronized void release() throws IOException {
        holding = false;
        for (Link link : links) {
            if (link.held.size() > 0) {
                link.upstream.getOutputStream().write(link.held.toByteArray());
                link.upstream.getOutputStream().flush();
                link.released = true;
            }
        }
    }

    /** Whether dynalite answered every released request (the late writes were applied or refused). */
    synchronized boolean releasedAnswered() {
        return links.stream().filter(link -> link.released).allMatch(link -> link.answeredAfterRelease > 0)
                && links.stream().anyMatch(link -> link.released);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                Link link = new Link(client, upstream);
                synchronized (this) {
                    links.add(link);
                }
                daemon(() -> clientToUpstream(link));
                daemon(() -> upstreamToClient(link));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void clientToUpstream(Link link) {
        byte[] buffer = new byte[16_384];
        try (InputStream in = link.client.getInputStream()) {
            OutputStream out = link.upstream.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (this) {
                    if (holding) {
                        link.held.write(buffer, 0, n);
                    } else {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // the client went away: held bytes stay, the upstream connection stays open for them
        }
    }

    private void upstreamToClient(Link link) {
        byte[] buffer = new byte[16_384];
        try (InputStream in = link.upstream.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (this) {
                    if (link.released) {
                        link.answeredAfterRelease += n;
                    }
                }
                try {
                    link.client.getOutputStream().write(buffer, 0, n);
                } catch (IOException clientGone) {
                    // the late answer has no one to go to, as for a real late write
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void daemon(Runnable body) {
        Thread thread = new Thread(body, "relay-link");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Link link : links) {
            link.client.close();
            link.upstream.close();
        }
    }
}
