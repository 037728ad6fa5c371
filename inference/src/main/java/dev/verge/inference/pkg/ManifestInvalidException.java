package dev.verge.inference.pkg;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.List;
import java.util.stream.Collectors;

/** A manifest that cannot be used, with every problem found (not just the first) and its field path. */
public final class ManifestInvalidException extends VergeException {
    private final List<Problem> problems;

    public ManifestInvalidException(List<Problem> problems) {
        this(Manifest.FILE_NAME, problems);
    }

    /** Problems of another document that a manifest is derived from (a Custom Vision export's files). */
    public ManifestInvalidException(String document, List<Problem> problems) {
        super(ErrorKind.UNPROCESSABLE, "manifest_invalid", describe(document, problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem; {@code path} is the field path such as {@code input.mean[2]}, or {@code $} for the whole document. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private static String describe(String document, List<Problem> problems) {
        String list = problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
        return document + " has " + problems.size() + (problems.size() == 1 ? " problem: " : " problems: ") + list;
    }
}
