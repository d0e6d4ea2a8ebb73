package io.agentmatch.api.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.matching.MatchIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The follower's state as /ready reports it: a follower whose thread is gone is STOPPED, never "ready". */
class ProjectionFollowerTest {

    @Test
    void aFollowerWhoseThreadEndedIsStoppedNotReady() {
        PipelineConfig config = PipelineConfig.fromEnv(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")));
        ProjectionFollower follower = new ProjectionFollower(config, KafkaClients.of(config.kafka(), "test"), new MatchIndex(),
                new SimpleMeterRegistry());
        assertEquals(IndexFeed.State.LOADING, follower.state(), "not started yet");
        follower.start();
        assertEquals(IndexFeed.State.LOADING, follower.state(), "waiting for the topic");
        follower.close();
        assertEquals(IndexFeed.State.STOPPED, follower.state());
    }
}
