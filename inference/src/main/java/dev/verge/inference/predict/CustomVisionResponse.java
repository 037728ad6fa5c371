package dev.verge.inference.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verge.inference.runtime.ModelInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JSON answer of {@code POST /image}, as the Custom Vision export container's scoring code ({@code predict.py})
 * gives it, so that device code written for it reads it unchanged:
 * <ul>
 * <li>{@code created}: UTC with exactly six fraction digits and {@code +00:00}, which Python's
 *     {@code datetime.fromisoformat} reads from 3.7 on (3.10 and older refuse nanoseconds and {@code Z});</li>
 * <li>{@code id}: empty, as the export leaves it (a UUID took 37 of the 1024 bytes a Wio Terminal parses the answer
 *     into, see {@code ArduinoJsonCapacityTest});</li>
 * <li>predictions below {@link #MIN_PROBABILITY} are left out, as the export does, unless the caller keeps them;</li>
 * <li>{@code tagId}: a string for classification, an integer for detection, as in the two kinds of export.</li>
 * </ul>
 */
public record CustomVisionResponse(String created, String id, String iteration, String project,
                                   List<Tag> predictions) {
    /** The export container rounds probabilities to 8 places and leaves out what rounds to nothing. */
    public static final double MIN_PROBABILITY = 1e-8;

    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    public CustomVisionResponse {
        predictions = List.copyOf(predictions);
    }

    /** One prediction as the answer carries it; {@code tagId} is a String (classification) or an Integer (detection). */
    @JsonPropertyOrder({"probability", "tagId", "tagName", "boundingBox"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Tag(double probability, Object tagId, String tagName, BoundingBox boundingBox) {
        static Tag of(LabelScore score) {
            Object tagId = score.boundingBox() == null ? score.tagId() : integerOrText(score.tagId());
            return new Tag(score.probability(), tagId, score.tagName(), score.boundingBox());
        }

        private static Object integerOrText(String tagId) {
            try {
                return Integer.valueOf(tagId);
            } catch (NumberFormatException e) {
                return tagId;
            }
        }
    }

    /** As {@link #of(Prediction, ModelInfo, boolean)}, leaving out predictions below {@link #MIN_PROBABILITY}. */
    public static CustomVisionResponse of(Prediction p, ModelInfo model) {
        return of(p, model, false);
    }

    /**
     * created = now, id = "" (as the export), iteration = model version, project = model name; {@code keepTiny}: also
     * the predictions below {@link #MIN_PROBABILITY}.
     */
    public static CustomVisionResponse of(Prediction p, ModelInfo model, boolean keepTiny) {
        List<Tag> tags = p.predictions().stream()
                .filter(score -> keepTiny || score.probability() >= MIN_PROBABILITY)
                .map(Tag::of)
                .toList();
        return new CustomVisionResponse(created(Instant.now()), "", model.version(), model.name(), tags);
    }

    /** {@code 2026-12-04T20:33:31.123456+00:00}: what Python's {@code isoformat()} writes for an aware UTC time. */
    public static String created(Instant time) {
        return CREATED.format(time.truncatedTo(ChronoUnit.MICROS));
    }
}
