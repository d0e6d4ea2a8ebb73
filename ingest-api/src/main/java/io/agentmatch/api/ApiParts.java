package io.agentmatch.api;

import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.http.DependencyProbe;
import io.agentmatch.api.matching.IndexFeed;
import io.agentmatch.api.storage.ConversationStore;
import io.agentmatch.api.storage.ProfileStore;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.MatchIndex;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * Everything {@link IngestApi} talks to, built elsewhere: by {@link ApiWiring} from the real clients,
 * by the route tests from in-memory fakes.
 *
 * @param events        where writes go (Kafka)
 * @param profiles      profile reads (DynamoDB)
 * @param conversations conversation reads (DynamoDB)
 * @param matching      the match index, its embedder and its feed; null when matching is off
 * @param probes        what /ready reports on, in order
 * @param closeables    closed after the server stopped, in order (the clients behind the parts)
 * @param tracing       spans and the trace context of requests (the events' headers come from the events' sink)
 */
public record ApiParts(EventSink events, ProfileStore profiles, ConversationStore conversations, Topics topics,
                       Matching matching, List<DependencyProbe> probes, PrometheusMeterRegistry registry,
                       List<AutoCloseable> closeables, Tracing tracing) {

    /** The in-memory match index, the embedder of requests, and what keeps the index current. */
    public record Matching(MatchIndex index, Embedder embedder, IndexFeed feed) {
    }
}
