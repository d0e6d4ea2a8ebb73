package io.agentmatch.localstack;

/**
 * A processor or API instance that a test started as a separate process.
 *
 * @param url the base URL ({@code http://127.0.0.1:<port>}): the API itself, or the processor's health server
 */
public record RunningComponent(String name, long pid, int port, String url) {
}
