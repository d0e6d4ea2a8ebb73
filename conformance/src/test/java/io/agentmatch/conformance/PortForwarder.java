package io.agentmatch.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain TCP forwarding, for {@code ContainerAddressesIT}: the test runs one side in its own JVM and
 * the other as a process inside the network namespace ({@code main}), so that the programs in the
 * namespace reach the host's Kafka and dynalite at the same 127.0.0.1 addresses the broker advertises.
 * JDK only: the namespace side runs from the test classes alone.
 */
final class PortForwarder implements AutoCloseable {
    private final List<ServerSocket> listeners = new ArrayList<>();

    /** Forwards {@code listenHost:port} to {@code targetHost:port} for each port, until closed. */
    static PortForwarder start(String listenHost, String targetHost, List<Integer> ports) throws IOException {
        PortForwarder forwarder = new PortForwarder();
        try {
            for (int port : ports) {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(InetAddress.getByName(listenHost), port), 64);
                forwarder.listeners.add(listener);
                daemon("forward-accept-" + port, () -> accept(listener, targetHost, port));
            }
        } catch (IOException | RuntimeException e) {
            forwarder.close();
            throw e;
        }
        return forwarder;
    }

    private static void accept(ServerSocket listener, String targetHost, int port) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket target = new Socket(targetHost, port);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                daemon("forward-up-" + port, () -> pump(client, target));
                daemon("forward-down-" + port, () -> pump(target, client));
            } catch (IOException e) {
                // listener closed, or the target refused this one connection: the client sees it closed
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        for (ServerSocket listener : listeners) {
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** {@code PortForwarder <listenHost> <targetHost> <port>...}: prints "forwarding" once listening, runs until killed. */
    public static void main(String[] args) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            ports.add(Integer.parseInt(args[i]));
        }
        start(args[0], args[1], ports);
        System.out.println("forwarding " + ports);
        System.out.flush();
        Thread.currentThread().join();
    }
}
