package dev.verge.inference.runtime;

/** ONNX Runtime thread pools of one session: operators run on intra-op threads; inter-op 1 runs the graph in order. */
public record ThreadSettings(int intraOpThreads, int interOpThreads) {
    public ThreadSettings {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1, found intra-op " + intraOpThreads
                    + ", inter-op " + interOpThreads);
        }
    }

    /**
     * Intra-op threads = {@link Runtime#availableProcessors()}, which honours container CPU limits (cgroups),
     * unlike ONNX Runtime's default that counts the host's cores; inter-op 1.
     */
    public static ThreadSettings forAvailableCpus() {
        return new ThreadSettings(Math.max(1, Runtime.getRuntime().availableProcessors()), 1);
    }
}
