package io.agentmatch.api.fakes;

import io.agentmatch.api.ApiConfig;
import io.agentmatch.api.ApiParts;
import io.agentmatch.api.ApiWiring;
import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.IngestApi;
import io.agentmatch.api.http.DependencyProbe;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.MatchIndex;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The API in-process on port 0, on in-memory fakes of every collaborator. */
public final class TestApi implements AutoCloseable {
    public final FakePipeline pipeline;
    public final FakeFeed feed = new FakeFeed();
    public final MatchIndex index = new MatchIndex();
    public final FakeEmbedder embedder = new FakeEmbedder();
    public volatile boolean kafkaUp = true;
    public volatile boolean dynamoUp = true;
    public final IngestApi api;

    public TestApi(Map<String, String> env) {
        this(env, null);
    }

    public TestApi(Map<String, String> env, String token) {
        this(env, token, new FakePipeline());
    }

    /** An instance on {@code pipeline}: several instances on one pipeline are several API instances on one stack. */
    public TestApi(Map<String, String> env, String token, FakePipeline pipeline) {
        this(env, token, pipeline, pipeline, Tracing.of(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().build()).build()));
    }

    /**
     * Writes going to {@code events} instead of the pipeline (e.g. the real publisher on a mock producer),
     * traced by {@code tracing} (e.g. into an in-memory exporter). Without: an SDK that exports nothing,
     * as in production without an OTLP endpoint.
     */
    public TestApi(Map<String, String> env, String token, FakePipeline pipeline, EventSink events, Tracing tracing) {
        this.pipeline = pipeline;
        Map<String, String> vars = new HashMap<>(env);
        vars.putIfAbsent("API_PORT", "0");
        ApiConfig config = ApiConfig.fromEnv(new Env(vars));
        if (token != null) {
            config = config.withToken(token);
        }
        List<DependencyProbe> probes = List.of(
                probe("kafka", () -> kafkaUp ? new DependencyProbe.State("up", true) : new DependencyProbe.State("down", false)),
                probe("dynamodb", () -> dynamoUp ? new DependencyProbe.State("up", true) : new DependencyProbe.State("down", false)),
                ApiWiring.indexProbe(feed));
        ApiParts parts = new ApiParts(events, pipeline, pipeline, new Topics(""),
                config.matching() ? new ApiParts.Matching(index, embedder, feed) : null,
                probes, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), tracing);
        this.api = IngestApi.start(config, parts);
    }

    public int port() {
        return api.port();
    }

    private static DependencyProbe probe(String name, java.util.function.Supplier<DependencyProbe.State> check) {
        return new DependencyProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public State check() {
                return check.get();
            }
        };
    }

    @Override
    public void close() {
        api.close();
    }
}
