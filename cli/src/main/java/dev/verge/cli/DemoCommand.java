package dev.verge.cli;

import dev.verge.demo.DemoModels;
import dev.verge.demo.SampleImages;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole story on one machine: build the demo model, start an edge agent on it, and classify the
 * sample pictures over HTTP the way a camera on the sorting line does.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Build the fruit-quality model, serve it on an edge agent, classify sample pictures over HTTP.",
        footer = {"", "Exit status: 0 when every sample is classified as expected, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rounds", defaultValue = "30", description = "Times each sample is sent for the latency summary (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work-dir", description = "Where the model package is written (default: a new temporary folder).")
    Path workDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("verge-demo");
        Path modelPackage = DemoModels.fruitQuality(dir.resolve("packages"), "1");
        out.printf("model package: %s%n", modelPackage);

        Map<String, byte[]> samples = SampleImages.samples();
        try (EdgeAgent agent = EdgeAgent.start(AgentSettings.defaults(modelPackage).withHost("127.0.0.1").withPort(0))) {
            Camera camera = new Camera("http://127.0.0.1:" + agent.port());
            out.printf("edge agent: http://127.0.0.1:%d/image%n%n", agent.port());

            int wrong = 0;
            for (Map.Entry<String, byte[]> sample : samples.entrySet()) {
                Camera.Answer answer = camera.post(sample.getValue());
                String expected = SampleImages.expectedLabel(sample.getKey());
                boolean right = expected.equals(answer.tagName());
                wrong += right ? 0 : 1;
                out.printf("  %-28s -> %-8s %.3f  (expected %s%s)  %5.1f ms%n", sample.getKey(), answer.tagName(),
                        answer.probability(), expected, right ? "" : ", WRONG", answer.millis());
            }

            LatencySummary latency = new LatencySummary();
            for (int round = 0; round < rounds; round++) {
                for (byte[] image : samples.values()) {
                    latency.add(camera.post(image).millis());
                }
            }
            out.printf("%nlatency over %s%n", latency);
            out.printf("%n%d of %d samples classified as expected%n", samples.size() - wrong, samples.size());
            return wrong == 0 ? 0 : 1;
        }
    }
}
