package dev.verge.inference.image;

import dev.verge.inference.predict.BoundingBox;

/**
 * Where an upright picture sits in the model's input tensor after resizing: a point (x, y) of the picture lands at
 * (x * scaleX + offsetX, y * scaleY + offsetY) of the tensor, in pixel-edge coordinates. Detections come back in
 * tensor coordinates; {@link #toImage} maps them to the picture the client sent.
 */
public record Placement(int imageWidth, int imageHeight, int tensorWidth, int tensorHeight,
                        double scaleX, double scaleY, double offsetX, double offsetY) {

    /**
     * The box (x0, y0)-(x1, y1) in tensor pixels as a {@link BoundingBox} normalized to 0..1 of the picture,
     * clipped to the picture (letterbox bars and center-cropped edges are outside it); null when nothing is left.
     */
    public BoundingBox toImage(double x0, double y0, double x1, double y1) {
        double left = clamp((x0 - offsetX) / scaleX / imageWidth);
        double right = clamp((x1 - offsetX) / scaleX / imageWidth);
        double top = clamp((y0 - offsetY) / scaleY / imageHeight);
        double bottom = clamp((y1 - offsetY) / scaleY / imageHeight);
        if (!(right > left) || !(bottom > top)) {
            return null;
        }
        return new BoundingBox(left, top, right - left, bottom - top);
    }

    /** Floats of one image in the tensor: 3 x width x height. */
    public int elementCount() {
        return 3 * tensorWidth * tensorHeight;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
