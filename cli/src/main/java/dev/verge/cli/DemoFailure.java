package dev.verge.cli;

/** The demo's story did not go as expected: the message says which step and what happened instead. */
final class DemoFailure extends RuntimeException {
    DemoFailure(String message) {
        super(message);
    }
}
