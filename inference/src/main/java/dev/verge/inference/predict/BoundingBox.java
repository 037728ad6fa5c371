package dev.verge.inference.predict;

/** A region normalized to 0..1 of the original image (Custom Vision shape); null for classification. */
public record BoundingBox(double left, double top, double width, double height) {}
