package dev.verge.cli;

import dev.verge.demo.SampleImages;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Sends every sample picture to every agent and prints one row per picture, one column per agent. */
final class ClassificationTable {

    /** How one agent did on the samples. */
    record Tally(int right, int wrong, int failed, int unripe, TreeSet<String> versions, List<Double> millis) {
        int total() {
            return right + wrong + failed;
        }

        @Override
        public String toString() {
            return right + " right, " + wrong + " wrong, " + failed + " failed"
                    + (versions.isEmpty() ? "" : " (version " + String.join(", ", versions) + ")");
        }
    }

    private ClassificationTable() {}

    /** Classifies {@code samples} on each member, prints the table, answers each device's tally. */
    static Map<String, Tally> classify(PrintStream out, Map<String, byte[]> samples, List<EdgeFleet.Member> members)
            throws InterruptedException {
        Map<String, Camera.Reply[]> replies = new LinkedHashMap<>();
        for (EdgeFleet.Member member : members) {
            Camera.Reply[] column = new Camera.Reply[samples.size()];
            int row = 0;
            for (byte[] picture : samples.values()) {
                column[row++] = ask(member, picture);
            }
            replies.put(member.deviceId(), column);
        }

        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-26s %-8s", "picture", "expected"));
        members.forEach(m -> header.append(String.format(Locale.ROOT, " | %-24s", m.deviceId())));
        out.println(header);
        int row = 0;
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, TreeSet<String>> versions = new LinkedHashMap<>();
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        for (String name : samples.keySet()) {
            String expected = SampleImages.expectedLabel(name);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-26s %-8s", name, expected));
            for (EdgeFleet.Member member : members) {
                Camera.Reply reply = replies.get(member.deviceId())[row];
                int[] c = counts.computeIfAbsent(member.deviceId(), k -> new int[4]);
                versions.computeIfAbsent(member.deviceId(), k -> new TreeSet<>());
                millis.computeIfAbsent(member.deviceId(), k -> new java.util.ArrayList<>()).add(reply.millis());
                String cell;
                if (!reply.ok()) {
                    c[2]++;
                    cell = reply.status() + " " + reply.error();
                } else {
                    boolean right = expected.equals(reply.tagName());
                    c[right ? 0 : 1]++;
                    c[3] += "unripe".equals(reply.tagName()) ? 1 : 0;
                    versions.get(member.deviceId()).add(reply.version());
                    cell = String.format(Locale.ROOT, "v%s %-6s %.3f%s", reply.version(), reply.tagName(), reply.probability(),
                            right ? "" : "  WRONG");
                }
                line.append(String.format(Locale.ROOT, " | %-24s", cell));
            }
            out.println(line);
            row++;
        }
        Map<String, Tally> tallies = new LinkedHashMap<>();
        counts.forEach((id, c) -> tallies.put(id, new Tally(c[0], c[1], c[2], c[3], versions.get(id), millis.get(id))));
        tallies.forEach((id, t) -> out.printf("  %s: %s%n", id, t));
        return tallies;
    }

    private static Camera.Reply ask(EdgeFleet.Member member, byte[] picture) throws InterruptedException {
        try {
            return member.camera().ask(picture);
        } catch (IOException e) {
            throw new DemoFailure("the agent of " + member.deviceId() + " does not answer: " + e);
        }
    }
}
