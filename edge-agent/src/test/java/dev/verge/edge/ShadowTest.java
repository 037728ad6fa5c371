package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.demo.SampleImages;
import dev.verge.wire.status.ShadowReport;
import dev.verge.edge.shadow.ShadowRunner;
import dev.verge.inference.runtime.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shadow candidate runs after each answer is sent: the answers stay the serving version's, byte for byte. */
class ShadowTest {
    @TempDir
    Path dir;

    private Model candidate(Path pkg) {
        return EdgeAgent.load(pkg, AgentSettings.defaults(pkg));
    }

    /** The answers to every sample picture, with the one field that changes per request (created) blanked. */
    private static List<String> answers(RunningAgent agent) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
            AgentClient.Answer answer = agent.client.post("/image", "application/octet-stream", sample.getValue());
            assertThat(answer.status()).isEqualTo(200);
            out.add(new String(answer.body(), StandardCharsets.UTF_8).replaceAll("\"created\":\"[^\"]*\"", "\"created\":\"\""));
        }
        return out;
    }

    @Test
    void answersUnderShadow_byteIdenticalButTimes_toAnswersWithout() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            List<String> without = answers(agent);
            // a candidate that disagrees on everything: if it leaked into an answer, the answers would differ
            agent.agent.shadows().set(DemoModels.NAME, candidate(DemoModels.fruitQualityAlwaysUnripe(dir, "9")), 100);

            List<String> with = answers(agent);

            assertThat(with).isEqualTo(without);
            assertThat(agent.agent.shadows().awaitSettled(without.size(), 30_000)).isTrue();
            List<ShadowReport> reports = agent.agent.shadows().take().reports();
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).pairs() + reports.get(0).dropped()).isEqualTo(without.size());
        }
    }

    @Test
    void shadowStats_sameModel_agree_differentModel_disagree() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            ShadowRunner shadows = agent.agent.shadows();
            shadows.set(DemoModels.NAME, candidate(DemoModels.fruitQuality(dir, "7")), 100);
            List<String> answered = answersOneByOne(agent, shadows);
            ShadowReport same = single(shadows.take().reports());
            assertThat(same.candidate()).isEqualTo("7");
            assertThat(same.version()).isEqualTo(RunningAgent.MODEL_VERSION);
            assertThat(same.pairs()).isEqualTo(answered.size());
            assertThat(same.agreement()).isEqualTo(1.0);
            assertThat(same.meanAbsConfidenceShift()).isLessThan(1e-4);
            assertThat(same.candidateLatencyMs().p99()).isPositive();
            assertThat(same.dropped()).isZero();

            shadows.set(DemoModels.NAME, candidate(DemoModels.fruitQualityAlwaysUnripe(dir, "8")), 100);
            answersOneByOne(agent, shadows);
            ShadowReport other = single(shadows.take().reports());
            assertThat(other.candidate()).isEqualTo("8");
            long ripe = answered.stream().filter("ripe"::equals).count();
            assertThat(ripe).as("the samples are not all unripe").isPositive();
            assertThat(other.agreements()).as("agrees only where the serving version says unripe")
                    .isEqualTo(answered.size() - ripe);
            assertThat(other.agreement()).isLessThan(1.0);
            assertThat(other.meanConfidenceShift()).isNegative();

            String metrics = new String(agent.client.get("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("verge_shadow_pairs_total{candidate=\"7\",model=\"fruit-quality\",version=\"3\"} "
                    + answered.size());
            assertThat(metrics).contains("verge_shadow_agreements_total{candidate=\"8\",model=\"fruit-quality\",version=\"3\"} "
                    + (answered.size() - ripe));
        }
    }

    @Test
    void shadowOfAnotherModel_notOfferedThisModelsPictures() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            agent.agent.shadows().set("another-model", candidate(DemoModels.fruitQuality(dir, "7")), 100);
            answers(agent);
            assertThat(agent.agent.shadows().awaitSettled(0, 30_000)).isTrue();
            assertThat(agent.agent.shadows().take().reports()).isEmpty();
        }
    }

    /** Each sample once, waiting for the candidate after each (so none is dropped); the served top labels. */
    private long handed; // pictures handed to a candidate so far, in this test

    private List<String> answersOneByOne(RunningAgent agent, ShadowRunner shadows) throws InterruptedException {
        List<String> labels = new ArrayList<>();
        for (byte[] picture : SampleImages.samples().values()) {
            labels.add(agent.client.post("/image", "application/octet-stream", picture).json().at("/predictions/0/tagName").asText());
            assertThat(shadows.awaitSettled(++handed, 30_000)).isTrue();
        }
        return labels;
    }

    private static ShadowReport single(List<ShadowReport> reports) {
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }
}
