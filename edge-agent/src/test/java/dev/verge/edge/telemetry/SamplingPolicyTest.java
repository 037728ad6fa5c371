package dev.verge.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.verge.inference.json.Json;
import org.junit.jupiter.api.Test;

class SamplingPolicyTest {
    private static final SamplingPolicy CONFIGURED = new SamplingPolicy(true, 0.3, 0.0, 10);

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void fromDesiredState_contractExample_isThatPolicy() throws Exception {
        assertThat(SamplingPolicy.fromDesiredState(
                json("{\"enabled\": true, \"belowProbability\": 0.4, \"randomFraction\": 0.05, \"maxPerHour\": 12}"), CONFIGURED))
                .isEqualTo(new SamplingPolicy(true, 0.4, 0.05, 12));
    }

    @Test
    void fromDesiredState_fieldsLeftOut_takeTheDefaults() throws Exception {
        assertThat(SamplingPolicy.fromDesiredState(json("{\"enabled\": true}"), CONFIGURED))
                .isEqualTo(new SamplingPolicy(true, SamplingPolicy.DEFAULT_BELOW_PROBABILITY, SamplingPolicy.DEFAULT_RANDOM_FRACTION,
                        SamplingPolicy.DEFAULT_MAX_PER_HOUR));
        assertThat(SamplingPolicy.fromDesiredState(json("{}"), CONFIGURED)).isEqualTo(SamplingPolicy.OFF);
    }

    @Test
    void fromDesiredState_noSamplingObject_isTheAgentsOwn() {
        assertThat(SamplingPolicy.fromDesiredState(null, CONFIGURED)).isEqualTo(CONFIGURED);
        assertThat(SamplingPolicy.fromDesiredState(NullNode.getInstance(), CONFIGURED)).isEqualTo(CONFIGURED);
    }

    @Test
    void fromDesiredState_unusableFields_refusedNamingEachOne() throws Exception {
        assertThatThrownBy(() -> SamplingPolicy.fromDesiredState(
                json("{\"enabled\": \"yes\", \"belowProbability\": 7, \"randomFraction\": \"a\", \"maxPerHour\": -1}"), CONFIGURED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampling.enabled").hasMessageContaining("sampling.belowProbability")
                .hasMessageContaining("sampling.randomFraction").hasMessageContaining("sampling.maxPerHour");
        assertThatThrownBy(() -> SamplingPolicy.fromDesiredState(json("[1]"), CONFIGURED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected sampling as an object");
    }
}
