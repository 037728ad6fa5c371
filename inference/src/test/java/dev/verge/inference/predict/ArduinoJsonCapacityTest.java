package dev.verge.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Wio Terminal's device code (IoT for Beginners, fruit quality detector) parses the answer with ArduinoJson 6:
 * {@code DynamicJsonDocument doc(1024); deserializeJson(doc, result.c_str());} and does not check the result, so an
 * answer that needs more than 1024 bytes loses its last predictions without a word.
 *
 * <p>ArduinoJson 6's sizing (arduinojson.org, "How to determine the capacity of the JsonDocument"):
 * {@code JSON_OBJECT_SIZE(n)} + {@code JSON_ARRAY_SIZE(n)} for every object and array, n slots of
 * {@code sizeof(VariantSlot)} each, which is 16 bytes on a 32-bit board (the Wio Terminal's SAMD51: an 8-byte value,
 * a 4-byte key pointer, flags and the next-slot offset, padded); plus the strings, because a {@code const char*} input
 * is copied ({@code JSON_STRING_SIZE(n)} = n + 1 each, the terminator included), identical strings once (string
 * deduplication, on by default since 6.15). Numbers, booleans and null live in their slot.
 *
 * <p>For 9 labels of 5 letters, model {@code fruit-quality} version {@code 12}:
 * <pre>
 * objects and arrays   JSON_OBJECT_SIZE(5) root + JSON_ARRAY_SIZE(9) + 9 x JSON_OBJECT_SIZE(4)
 *                      = 16 x (5 + 9 + 36)                                                        = 800
 * keys                 created 8, id 3, iteration 10, project 8, predictions 12,
 *                      probability 12, tagId 6, tagName 8, boundingBox 12                          =  79
 * the export's values  created "2026-12-04T20:33:31.123456" 27, "" 1 (id, project, iteration
 *                      and every tagId), 9 labels x 6                                             =  82  -> 961
 * Verge's values       created "...31.123456+00:00" 33, id "" 1, iteration "12" 3,
 *                      project "fruit-quality" 14, tagId "0".."8" 9 x 2, 9 labels x 6             = 123  -> 1002
 * Verge before         created with nanoseconds and Z 31, a UUID id 37, the rest as above          = 157  -> 1036
 * </pre>
 */
class ArduinoJsonCapacityTest {
    private static final int SLOT_BYTES_32_BIT = 16;
    private static final int WIO_TERMINAL_CAPACITY = 1024;
    private static final List<String> NINE_SHORT_LABELS =
            List.of("apple", "peach", "grape", "lemon", "mango", "melon", "berry", "olive", "guava");

    /** ArduinoJson 6 on a 32-bit board, parsing from a const char* (strings copied and deduplicated). */
    static int arduinoJsonBytes(JsonNode json) {
        Set<String> strings = new HashSet<>();
        int slots = slots(json, strings);
        int stringBytes = strings.stream().mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length + 1).sum();
        return slots * SLOT_BYTES_32_BIT + stringBytes;
    }

    private static int slots(JsonNode node, Set<String> strings) {
        int slots = 0;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                strings.add(member.getKey());
                slots += 1 + slots(member.getValue(), strings);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                slots += 1 + slots(element, strings);
            }
        } else if (node.isTextual()) {
            strings.add(node.textValue());
        }
        return slots;
    }

    private static Prediction nineLabels() {
        List<LabelScore> scores = new ArrayList<>();
        double left = 1;
        for (int i = 0; i < NINE_SHORT_LABELS.size(); i++) {
            double p = i == NINE_SHORT_LABELS.size() - 1 ? left : left * 0.4123456789012345;
            scores.add(new LabelScore(Integer.toString(i), NINE_SHORT_LABELS.get(i), p, null));
            left -= p;
        }
        return new Prediction(scores, new Timings(1, 2, 3), 320, 240);
    }

    private static ModelInfo model() {
        return new ModelInfo("fruit-quality", "12", "ab".repeat(32), "classification", NINE_SHORT_LABELS, "image",
                new long[] {1, 3, 224, 224}, "probabilities", 13, 8, "1.29.0", new ThreadSettings(1, 1));
    }

    @Test
    void customVisionAnswer_nineShortLabels_fitsTheWioTerminalsDynamicJsonDocument() throws Exception {
        CustomVisionResponse answer = CustomVisionResponse.of(nineLabels(), model());
        assertThat(answer.predictions()).hasSize(9);
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsBytes(answer));

        assertThat(arduinoJsonBytes(json)).isEqualTo(1002).isLessThanOrEqualTo(WIO_TERMINAL_CAPACITY);
    }

    @Test
    void exportContainersAnswer_nineShortLabels_fitsAndTheOldAnswerDidNot() throws Exception {
        StringBuilder export = new StringBuilder("{\"created\": \"2026-12-04T20:33:31.123456\", \"id\": \"\","
                + " \"iteration\": \"\", \"project\": \"\", \"predictions\": [");
        StringBuilder before = new StringBuilder("{\"created\": \"2026-12-04T20:33:31.123456789Z\", \"id\": \""
                + UUID.randomUUID() + "\", \"iteration\": \"12\", \"project\": \"fruit-quality\", \"predictions\": [");
        for (int i = 0; i < 9; i++) {
            String separator = i == 0 ? "" : ", ";
            export.append(separator).append("{\"tagName\": \"").append(NINE_SHORT_LABELS.get(i))
                    .append("\", \"probability\": 0.11111111, \"tagId\": \"\", \"boundingBox\": null}");
            before.append(separator).append("{\"probability\": 0.1111111111111111, \"tagId\": \"").append(i)
                    .append("\", \"tagName\": \"").append(NINE_SHORT_LABELS.get(i)).append("\", \"boundingBox\": null}");
        }
        export.append("]}");
        before.append("]}");

        assertThat(arduinoJsonBytes(Json.mapper().readTree(export.toString()))).isEqualTo(961);
        assertThat(arduinoJsonBytes(Json.mapper().readTree(before.toString()))).isEqualTo(1036)
                .isGreaterThan(WIO_TERMINAL_CAPACITY);
    }
}
