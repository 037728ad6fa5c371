package dev.verge.inference.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One label's probability, in the Custom Vision export container's JSON shape ({@code boundingBox: null} included). */
@JsonPropertyOrder({"probability", "tagId", "tagName", "boundingBox"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LabelScore(String tagId, String tagName, double probability, BoundingBox boundingBox) {}
